"""What the face experiments need, derived from the ``biased.faces`` config section.

Shared by the workflow (to build the DAG) and the jobs, so both agree on the
models (split i trained with seed i), the checkpoint epochs and which of them
each measurement reads.
"""

from __future__ import annotations

import itertools

import numpy as np


def checkpoint_grid(epochs: int, count: int, first: int) -> list[int]:
    """int(linspace(first, epochs − 1, count)): 10, 111, …, 4999 at the paper's 5000 epochs.

    Truncated like the reference's ``np.linspace(..., dtype=int)``; repeated
    epochs (too many checkpoints for the epochs) are an error, not merged.
    """
    if not 1 <= first <= epochs - 1 or count < 1:
        raise ValueError(f"checkpoints from {first} to {epochs - 1} are impossible")
    grid = [int(v) for v in np.linspace(first, epochs - 1, count)]
    if len(set(grid)) != len(grid):
        raise ValueError(
            f"{count} checkpoints between epochs {first} and {epochs - 1} repeat epochs"
        )
    return grid


class FacesPlan:
    """Models, pairs and checkpoint epochs of one configuration of the face experiments."""

    def __init__(self, faces: dict) -> None:
        self.config = faces
        training = faces["training"]
        self.grid = checkpoint_grid(
            training["epochs"], training["checkpoints"], training["first_checkpoint"]
        )
        self.splits = list(range(faces["splits"]))

    def _slice(self, bounds: list[int]) -> list[int]:
        start, stop = bounds
        return self.grid[start:stop]

    @property
    def generation_epochs(self) -> list[int]:
        """Checkpoints whose samples are compared (paper: grid[1:21], epochs 111…2046)."""
        return self._slice(self.config["generation"]["checkpoints"])

    @property
    def noise_prediction_epochs(self) -> list[int]:
        """Checkpoints whose noise predictions are compared (paper: grid[1:], 49)."""
        return self._slice(self.config["noise_prediction"]["checkpoints"])

    def pairs(self) -> list[tuple[int, int]]:
        """Every unordered pair of models (a < b): 105 for 15 splits."""
        return list(itertools.combinations(self.splits, 2))

    def ordered_pairs(self) -> list[tuple[int, int]]:
        """Every ordered pair of distinct models: 210 for 15 splits."""
        return list(itertools.permutations(self.splits, 2))

    def batch_size(self) -> int:
        """min(batch_size, n): a split smaller than the batch is one batch."""
        return min(self.config["training"]["batch_size"], self.config["n"])
