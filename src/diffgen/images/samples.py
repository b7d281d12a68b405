"""Sample banks: every checkpoint's samples of one image model, in one file.

One HDF5 file per model: ``samples`` (G, N, C, H, W) float32 in the model's
data space and ``epochs`` (G,), plus integer attributes that say which model it
is (study 1's faces: its ``split``). Sampled with
:func:`diffgen.images.sampler.sample` from one seed, sample j of every
checkpoint of every model starts from the same x_T row and sees the same
noise, so banks are compared sample by sample.

The format keeps the name it was introduced with (``face_samples``), so banks
written before the image core held it still read.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from diffgen.core import hdf5
from diffgen.core.errors import InputFileError

KIND = "face_samples"


def save_bank(
    path: str | Path,
    samples: np.ndarray,
    epochs: list[int],
    provenance: dict,
    attrs: dict[str, int] | None = None,
    identity: dict | None = None,
) -> None:
    """Write ``samples`` (G, N, C, H, W) of the checkpoints at ``epochs`` atomically."""
    arrays = {"samples": samples.astype(np.float32), "epochs": np.asarray(epochs, dtype=np.int64)}
    hdf5.write(path, KIND, arrays, provenance, attrs or {}, identity)


def load_bank(
    path: str | Path, required: tuple[str, ...] = ()
) -> tuple[np.ndarray, list[int], dict[str, int]]:
    """(samples (G, N, C, H, W), epochs, attributes) of a bank, checked for consistency.

    Every attribute named in ``required`` must be there (an error names the file).
    """
    with hdf5.open_file(path, KIND) as f:
        samples, epochs = f.array("samples"), f.array("epochs")
        attrs = f.attrs
    if samples.ndim != 5 or epochs.shape != (samples.shape[0],):
        raise InputFileError(f"{path}: samples are not (epochs, N, C, H, W) with one epoch each")
    missing = [name for name in required if name not in attrs]
    if missing:
        raise InputFileError(f"{path}: sample bank lacks its {', '.join(map(repr, missing))}")
    values = {name: int(attrs[name]) for name in required}
    return samples, [int(e) for e in epochs], values
