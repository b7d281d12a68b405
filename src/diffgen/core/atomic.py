"""Atomic file writes: a crash or a kill never leaves a half-written output.

Everything is written to a temporary file in the destination directory and then
renamed over the destination, which POSIX guarantees to be atomic.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(destination: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``destination``; rename it into place on success.

    The temporary name keeps the destination's suffix (libraries such as h5py,
    matplotlib and torch pick formats by suffix). On error the temporary file is
    removed and the destination is left untouched.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    suffix = destination.suffix if suffix is None else suffix
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=f".tmp{suffix}", dir=destination.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates 0600 files; outputs get the usual umask-based mode instead.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, destination)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(destination: str | os.PathLike, text: str) -> None:
    """Write a text file atomically."""
    with atomic_path(destination) as tmp:
        tmp.write_text(text)


def write_json(destination: str | os.PathLike, payload: object) -> None:
    """Write a JSON document atomically, keys sorted so equal payloads give equal bytes."""
    write_text(destination, json.dumps(payload, indent=2, sort_keys=True) + "\n")


def link_or_copy(source: str | os.PathLike, destination: str | os.PathLike) -> None:
    """Place ``source`` at ``destination`` atomically: a hard link if possible, else a copy."""
    import shutil

    source, destination = Path(source), Path(destination)
    with atomic_path(destination) as tmp:
        tmp.unlink()
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copyfile(source, tmp)
