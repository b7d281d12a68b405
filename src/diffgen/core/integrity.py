"""Cheap checks that an existing intermediate file is whole, before a job consumes it.

Snakemake deletes a job's old outputs before it runs the job. A job that then
fails on a corrupt input would lose good outputs (a finished loss table, a
figure), so the workflow checks every existing input when it plans the jobs:
a truncated checkpoint, HDF5 file, table or JSON record stops the run with one
line naming the file, before anything is touched. The checks read headers and
central directories, not whole files, and are cached by (path, size, mtime).
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from diffgen.core.errors import InputFileError

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _check_torch(path: Path) -> None:
    """A torch file is a zip archive: its central directory is at the end."""
    try:
        with zipfile.ZipFile(path) as archive:
            if not any(name.endswith("data.pkl") for name in archive.namelist()):
                raise InputFileError(f"{path}: not a torch file (no data.pkl)")
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InputFileError(f"{path}: truncated or corrupt torch file") from None


def _check_hdf5(path: Path) -> None:
    import h5py

    with open(path, "rb") as handle:
        if handle.read(8) != HDF5_SIGNATURE:
            raise InputFileError(f"{path}: not an HDF5 file")
    try:
        with h5py.File(path, "r"):
            pass
    except OSError as err:  # the HDF5 library checks the stored end of file against the size
        reason = "truncated" if "truncated" in str(err) else "corrupt"
        raise InputFileError(f"{path}: {reason} HDF5 file") from None


def _check_json(path: Path) -> None:
    try:
        value = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError):
        raise InputFileError(f"{path}: not valid JSON") from None
    if not isinstance(value, dict):
        raise InputFileError(f"{path}: not a JSON object")


@lru_cache(maxsize=65536)
def _check(path: str, size: int, mtime: int, columns: tuple = ()) -> None:
    suffix = Path(path).suffix
    if size == 0:
        raise InputFileError(f"{path}: empty file")
    if suffix == ".pt":
        _check_torch(Path(path))
    elif suffix == ".h5":
        _check_hdf5(Path(path))
    elif suffix == ".json":
        _check_json(Path(path))
    elif suffix == ".csv":
        from diffgen.core.tables import read_table

        read_table(path, dict(columns))


def check_intact(paths: Iterable[str | os.PathLike], columns: Mapping[str, str] | None = None):
    """Raise InputFileError naming the first existing file that is not whole.

    Missing files pass (a job will make them). ``columns`` are required of CSV tables.
    """
    needed = tuple(sorted((columns or {}).items()))
    for path in paths:
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            continue
        if os.path.isdir(path):
            raise InputFileError(f"{path}: is a directory, not a file")
        _check(str(path), stat.st_size, stat.st_mtime_ns, needed)
