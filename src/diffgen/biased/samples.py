"""HDF5 files of study 1's sampler: the shared initial noise x_T and sample banks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from diffgen.core import hdf5
from diffgen.core.errors import InputFileError


def save_initial_noise(
    path: str | Path, x_T: np.ndarray, provenance: dict, identity: dict | None = None
) -> None:
    arrays = {"x_T": x_T.astype(np.float32)}
    hdf5.write(path, "initial_noise", arrays, provenance, identity=identity)


def load_initial_noise(path: str | Path, rows: int | None = None) -> np.ndarray:
    """x_T (its first ``rows`` rows); a file with fewer rows is an error naming it."""
    with hdf5.open_file(path, "initial_noise") as f:
        available = f.shape("x_T")[0]
        if rows is not None and available < rows:
            raise InputFileError(f"{path}: holds {available} rows of x_T, {rows} needed")
        return f.array("x_T", slice(0, rows))


def save_samples(
    path: str | Path, tokens: np.ndarray, provenance: dict, identity: dict | None = None
) -> None:
    hdf5.write(path, "samples", {"tokens": tokens.astype(np.int8)}, provenance, identity=identity)


def load_samples(path: str | Path) -> tuple[np.ndarray, dict]:
    """(tokens, provenance) of a sample bank; the provenance must name the epoch."""
    arrays, provenance = hdf5.read(path, "samples", ["tokens"])
    if not isinstance(provenance.get("epoch"), int):
        raise InputFileError(f"{path}: sample bank provenance lacks its 'epoch'")
    tokens = arrays["tokens"]
    if tokens.ndim != 2:
        raise InputFileError(f"{path}: sample bank 'tokens' is not (N, L)")
    return tokens, provenance
