"""Sample banks of the face models: every generation checkpoint's samples of one model.

One HDF5 file per model (format ``diffgen.face_samples``): ``samples``
(G, N, C, H, W) float32 in the models' centred space and ``epochs`` (G,).
Sample j of every checkpoint of every model starts from the same x_T row and
sees the same noise, so banks are compared sample by sample.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from diffgen.core import hdf5
from diffgen.core.errors import InputFileError

KIND = "face_samples"
#: The representative pairs of the figures' model pair (``faces-pairs``), per generation epoch:
#: ``epochs`` (G,); sample ``index``, pair ``similarity`` (G, R); display images ``a``, ``b``
#: and nearest training images ``nn_a``, ``nn_b`` (G, R, C, H, W); their training indices
#: and similarities ``nn_a_index``, ``nn_a_similarity``, ... (G, R).
REPRESENTATIVES = "face_representatives"
REPRESENTATIVE_ARRAYS = ("epochs", "index", "similarity", "a", "b", "nn_a", "nn_b", "nn_a_index",
                         "nn_b_index", "nn_a_similarity", "nn_b_similarity")  # fmt: skip


def save_bank(
    path: str | Path, samples: np.ndarray, epochs: list[int], split: int, provenance: dict
) -> None:
    arrays = {"samples": samples.astype(np.float32), "epochs": np.asarray(epochs, dtype=np.int64)}
    hdf5.write(path, KIND, arrays, provenance, {"split": split})


def load_bank(path: str | Path) -> tuple[np.ndarray, list[int], int]:
    """(samples (G, N, C, H, W), epochs, split) of a bank, checked for consistency."""
    with hdf5.open_file(path, KIND) as f:
        samples, epochs = f.array("samples"), f.array("epochs")
        split = f.attrs.get("split")
    if samples.ndim != 5 or epochs.shape != (samples.shape[0],):
        raise InputFileError(f"{path}: samples are not (epochs, N, C, H, W) with one epoch each")
    if split is None:
        raise InputFileError(f"{path}: sample bank lacks its 'split'")
    return samples, [int(e) for e in epochs], int(split)


def save_representatives(path: str | Path, arrays: dict, pair: list[int], provenance: dict) -> None:
    missing = [name for name in REPRESENTATIVE_ARRAYS if name not in arrays]
    if missing:
        raise ValueError(f"representative pairs lack {missing}")
    hdf5.write(path, REPRESENTATIVES, arrays, provenance, {"pair": pair})


def load_representatives(path: str | Path) -> dict:
    """The arrays of a representative-pairs file (``epochs`` as a list of ints)."""
    arrays, _ = hdf5.read(path, REPRESENTATIVES, REPRESENTATIVE_ARRAYS)
    arrays["epochs"] = [int(e) for e in arrays["epochs"]]
    return arrays
