"""Sample banks of study 5: the tokens a checkpoint's reverse chain produced (HDF5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from diffgen.core import hdf5
from diffgen.core.errors import InputFileError

KIND = "rhm_samples"


def save_samples(
    path: str | Path, tokens: np.ndarray, provenance: dict, identity: dict | None = None
) -> None:
    hdf5.write(path, KIND, {"tokens": tokens.astype(np.int16)}, provenance, identity=identity)


def load_samples(path: str | Path) -> tuple[np.ndarray, dict]:
    """(tokens (N, d) int64, provenance); the provenance must name the step."""
    arrays, provenance = hdf5.read(path, KIND, ["tokens"])
    if not isinstance(provenance.get("step"), int):
        raise InputFileError(f"{path}: sample bank provenance lacks its 'step'")
    tokens = arrays["tokens"]
    if tokens.ndim != 2:
        raise InputFileError(f"{path}: sample bank 'tokens' is not (N, d)")
    return tokens.astype(np.int64), provenance
