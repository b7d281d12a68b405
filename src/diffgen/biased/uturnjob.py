"""What the U-turn jobs share: their spec and their context (checkpoint, grid, model)."""

from __future__ import annotations

import argparse

import numpy as np

from diffgen.biased.checkpoints import checkpoint_epoch
from diffgen.biased.jobcontext import DIFFUSION, FRACTIONS, MODEL, JobContext, model_columns
from diffgen.biased.metrics.uturn import uturn_overlaps
from diffgen.core.specs import Choice, Count, Index

#: Spec of the U-turn jobs (``uturn-random`` adds ks and empirical_size).
UTURN = {
    **MODEL, **DIFFUSION, "mixed_precision": bool, "t_fractions": FRACTIONS,
    "n_sequences": Count, "reps": Count, "reference": Choice("nn_divergence_min", "test_loss_min"),
    "uturn_seed": Index, "batch_size": Count,
}  # fmt: skip


class UTurnJob(JobContext):
    """A U-turn job: the evaluation context plus its checkpoint, grid and model."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(args)
        self.steps = self.grid()
        self.epoch = checkpoint_epoch(args.checkpoint)
        self.trained = self.model(args.checkpoint)

    def overlaps(self, denoisers: dict, starts: np.ndarray, t: int, seed: int) -> dict:
        return uturn_overlaps(
            denoisers, starts, t, self.schedule, self.grammar.q, self.spec["reps"], seed,
            self.spec["batch_size"], self.device,
        )  # fmt: skip

    def columns(self, t: int) -> dict:
        return {**model_columns(self.spec, self.epoch), "t": t, "t_fraction": t / self.schedule.T}
