"""The representative pairs of the figures' model pair, as the ``faces-pairs`` job writes them.

Per generation epoch: ``epochs`` (G,); sample ``index``, pair ``similarity``
(G, R); display images ``a``, ``b`` and nearest training images ``nn_a``,
``nn_b`` (G, R, C, H, W); their training indices and similarities
``nn_a_index``, ``nn_a_similarity``, ... (G, R).
"""

from __future__ import annotations

from pathlib import Path

from diffgen.core import hdf5

KIND = "face_representatives"
ARRAYS = ("epochs", "index", "similarity", "a", "b", "nn_a", "nn_b", "nn_a_index",
          "nn_b_index", "nn_a_similarity", "nn_b_similarity")  # fmt: skip


def save_representatives(
    path: str | Path, arrays: dict, pair: list[int], provenance: dict, identity: dict | None = None
) -> None:
    missing = [name for name in ARRAYS if name not in arrays]
    if missing:
        raise ValueError(f"representative pairs lack {missing}")
    hdf5.write(path, KIND, arrays, provenance, {"pair": pair}, identity)


def load_representatives(path: str | Path) -> dict:
    """The arrays of a representative-pairs file (``epochs`` as a list of ints)."""
    arrays, _ = hdf5.read(path, KIND, ARRAYS)
    arrays["epochs"] = [int(e) for e in arrays["epochs"]]
    return arrays
