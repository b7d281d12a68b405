"""U-turn experiments (Fig 5 and App. Fig 11).

* ``diffgen uturn``: training and test sequences noised to t and denoised back
  by the model and by exact BP; overlaps with the start and their ratio.
* ``diffgen uturn-random``: uniform random sequences through the model, the
  empirical denoiser of a training subset, and BP_k.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
import torch.nn.functional as F

from ..checkpoints import checkpoint_epoch
from ..denoisers import EmpiricalDenoiser
from ..metrics.divergence import mean_se
from ..metrics.uturn import overlap_ratio, uturn_overlaps
from ..progress import log
from .common import JobContext
from .jobs import add_job_arguments, model_columns, train_and_test, write_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(
        parser,
        "n, split, seed, reference, t_fractions, n_sequences, reps, uturn_seed, batch_size, "
        "diffusion, mixed_precision (+ ks, empirical_size for uturn-random)",
        checkpoints="one",
    )


class _Job(JobContext):
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


def run(args: argparse.Namespace) -> None:
    job = _Job(args)
    spec = job.spec
    denoisers = {"model": job.trained, "bp": job.oracle(0)}
    starts = train_and_test(job.ds, spec, spec["n_sequences"])
    rows = []
    for index, t in enumerate(job.steps):
        for data_index, (name, tokens) in enumerate(starts.items()):
            seed = spec["uturn_seed"] + 1000 * index + 100 * data_index
            res = job.overlaps(denoisers, tokens, t, seed)
            ratio_mean, ratio_se = mean_se(overlap_ratio(res["model"], res["bp"]))
            model_mean, model_se = mean_se(res["model"].mean(axis=0))
            bp_mean, bp_se = mean_se(res["bp"].mean(axis=0))
            rows.append({**job.columns(t), "reference": spec["reference"], "data": name,
                         "overlap_model": model_mean, "overlap_model_se": model_se,
                         "overlap_bp": bp_mean, "overlap_bp_se": bp_se,
                         "ratio": ratio_mean, "ratio_se": ratio_se})  # fmt: skip
            log(f"t={t} {name}: model {model_mean:.3f}, BP {bp_mean:.3f}, ratio {ratio_mean:.3f}")
    write_table(rows, args.out, ["t", "data"])


def run_random(args: argparse.Namespace) -> None:
    job = _Job(args)
    g, spec = job.grammar, job.spec
    train = job.ds.split(spec["split"], spec["n"])
    rng = np.random.default_rng([spec["uturn_seed"], spec["split"], spec["seed"]])
    subset = train[np.sort(rng.choice(len(train), spec["empirical_size"], replace=False))]
    subset_one_hot = F.one_hot(torch.as_tensor(subset, dtype=torch.long), g.q).float()
    denoisers = {
        "model": job.trained,
        "empirical": EmpiricalDenoiser(subset_one_hot.to(job.device), job.schedule),
        **{f"bp{k}": job.oracle(k) for k in spec["ks"]},
    }
    starts = rng.integers(0, g.q, size=(spec["n_sequences"], g.length))
    rows = []
    for index, t in enumerate(job.steps):
        res = job.overlaps(denoisers, starts, t, spec["uturn_seed"] + 1000 * index)
        for name, values in res.items():
            mean, se = mean_se(values.mean(axis=0))
            rows.append({**job.columns(t), "denoiser": name, "overlap": mean, "overlap_se": se})
        log(
            f"t={t}: " + ", ".join(f"{r['denoiser']} {r['overlap']:.3f}" for r in rows[-len(res) :])
        )
    write_table(rows, args.out, ["t", "denoiser"])


COMMANDS = {
    "uturn": ("U-turn overlaps of model and BP from train and test starts", add_arguments, run),
    "uturn-random": ("U-turn overlaps from uniform random sequences", add_arguments, run_random),
}
