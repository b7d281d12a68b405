"""HDF5 files of the sampler: the shared initial noise x_T and sample banks."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np

from . import __version__
from .atomic import atomic_path
from .errors import InputFileError


def _write(path: str | Path, kind: str, arrays: dict, provenance: dict) -> None:
    with atomic_path(path) as tmp, h5py.File(tmp, "w", track_order=True) as f:
        f.attrs["format"] = f"diffgen.{kind}"
        f.attrs["provenance"] = json.dumps(
            {**provenance, "diffgen_version": __version__}, sort_keys=True
        )
        for name, array in arrays.items():
            f.create_dataset(name, data=array)


def _read(path: str | Path, kind: str, name: str) -> tuple[np.ndarray, dict]:
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: {kind} file does not exist")
    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("format") != f"diffgen.{kind}":
                raise InputFileError(f"{path}: not a diffgen {kind} file")
            return f[name][()], json.loads(f.attrs["provenance"])
    except (OSError, KeyError) as err:
        raise InputFileError(f"{path}: unreadable {kind} file ({err})") from None


def save_initial_noise(path: str | Path, x_T: np.ndarray, provenance: dict) -> None:
    _write(path, "initial_noise", {"x_T": x_T.astype(np.float32)}, provenance)


def load_initial_noise(path: str | Path) -> np.ndarray:
    return _read(path, "initial_noise", "x_T")[0]


def save_samples(path: str | Path, tokens: np.ndarray, provenance: dict) -> None:
    _write(path, "samples", {"tokens": tokens.astype(np.int8)}, provenance)


def load_samples(path: str | Path) -> tuple[np.ndarray, dict]:
    return _read(path, "samples", "tokens")
