"""HDF5 files of the project: one format tag, a provenance record, named arrays.

Every dataset, sample bank and noise file is written through :func:`write` (atomic,
byte-identical for equal inputs) and read through :func:`read`, which turns
any problem (missing file, a directory, another format, a missing array,
truncation) into one line naming the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import h5py
import numpy as np

from .. import __version__
from .atomic import atomic_path
from .errors import InputFileError
from .identity import ATTRIBUTE, encode, placed


def write(
    path: str | Path,
    kind: str,
    arrays: dict[str, np.ndarray],
    provenance: dict,
    attrs: dict | None = None,
    identity: dict | None = None,
) -> None:
    """Write ``arrays`` (names may hold '/' for groups) with format ``diffgen.<kind>``.

    ``identity`` (:func:`diffgen.core.identity.record`) is stored with the place
    the file is written to, so readers can refuse a file from another run.
    """
    with atomic_path(path) as tmp, h5py.File(tmp, "w", track_order=True) as f:
        f.attrs["format"] = f"diffgen.{kind}"
        if identity is not None:
            f.attrs[ATTRIBUTE] = encode(placed(identity, path))
        f.attrs["provenance"] = json.dumps(
            {**provenance, "diffgen_version": __version__}, sort_keys=True
        )
        for key, value in (attrs or {}).items():
            f.attrs[key] = value
        for name, array in arrays.items():
            f.create_dataset(name, data=array)


class Reader:
    """An open diffgen HDF5 file of one kind; errors name the file."""

    def __init__(self, handle: h5py.File, path: Path, kind: str) -> None:
        self.handle, self.path, self.kind = handle, path, kind

    @property
    def attrs(self) -> dict:
        return dict(self.handle.attrs)

    def provenance(self) -> dict:
        try:
            return json.loads(self.handle.attrs["provenance"])
        except (KeyError, ValueError):
            raise InputFileError(f"{self.path}: {self.kind} file lacks its provenance") from None

    def array(self, name: str, rows: slice | None = None) -> np.ndarray:
        if name not in self.handle:
            raise InputFileError(f"{self.path}: {self.kind} file lacks '{name}'")
        try:
            data = self.handle[name]
            return data[()] if rows is None else data[rows]
        except (OSError, ValueError) as err:
            raise InputFileError(f"{self.path}: unreadable '{name}' ({err})") from None

    def shape(self, name: str) -> tuple[int, ...]:
        if name not in self.handle:
            raise InputFileError(f"{self.path}: {self.kind} file lacks '{name}'")
        return tuple(self.handle[name].shape)


class open_file:
    """``with open_file(path, kind) as f``: a :class:`Reader`, errors naming the file."""

    def __init__(self, path: str | Path, kind: str) -> None:
        self.path, self.kind = Path(path), kind
        self.handle: h5py.File | None = None

    def __enter__(self) -> Reader:
        path, kind = self.path, self.kind
        if not path.exists():
            raise InputFileError(f"{path}: {kind} file does not exist")
        if path.is_dir():
            raise InputFileError(f"{path}: is a directory, not a {kind} file")
        try:
            self.handle = h5py.File(path, "r")
        except OSError as err:
            raise InputFileError(f"{path}: corrupt or unreadable {kind} file ({err})") from None
        fmt = self.handle.attrs.get("format")
        if fmt != f"diffgen.{kind}":
            self.handle.close()
            raise InputFileError(f"{path}: not a diffgen {kind} file (format {fmt!r})")
        return Reader(self.handle, path, kind)

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            self.handle.close()


def read(path: str | Path, kind: str, names: Iterable[str]) -> tuple[dict[str, np.ndarray], dict]:
    """Named arrays and the provenance record of a file of format ``diffgen.<kind>``."""
    with open_file(path, kind) as f:
        return {name: f.array(name) for name in names}, f.provenance()
