"""U-turn overlaps from uniform random sequences: model checkpoints, empirical, BP_k (App. Fig 11).

Every repetition draws fresh random start sequences (as the reference); all
denoisers and all checkpoints see the same starts, noise and reverse noise, so
the checkpoints of one model are compared on equal footing and the
model-independent curves (empirical denoiser, BP_k) are computed once.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
import torch.nn.functional as F

from diffgen.biased.denoisers import EmpiricalDenoiser
from diffgen.biased.jobcontext import DIFFUSION, FRACTIONS, K_LIST, MODEL, SCHEDULE, JobContext
from diffgen.biased.jobcontext import add_arguments as add_job_arguments
from diffgen.biased.metrics.uturn import uturn_overlaps
from diffgen.biased.oracle import grammar_oracle
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import write_table
from diffgen.core.metrics.divergence import mean_se
from diffgen.core.progress import log
from diffgen.core.specs import Count, Index, Spec

SPEC = Spec(
    {**MODEL, **DIFFUSION, "mixed_precision": bool, "t_fractions": FRACTIONS,
     "n_sequences": Count, "reps": Count, "uturn_seed": Index, "batch_size": Count,
     "ks": K_LIST, "empirical_size": Count},
    SCHEDULE,
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC)
    parser.add_argument(
        "--labels", nargs="+", required=True, help="a name per checkpoint (which one it is)"
    )


def random_starts(seed: list[int], steps: int, reps: int, n: int, length: int, q: int):
    """Uniform random sequences (steps, reps*n, length): fresh ones for every t and rep."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, q, size=(steps, reps * n, length))


def run(args: argparse.Namespace) -> None:
    job = JobContext(args)
    g, spec, steps = job.grammar, job.spec, job.grid()
    if len(args.labels) != len(args.checkpoints):
        raise ConfigError(
            f"--labels: {len(args.labels)} given for {len(args.checkpoints)} checkpoints"
        )
    models = {}
    for path, label in zip(args.checkpoints, args.labels, strict=True):
        model, epoch = job.checkpoint(path)
        models[f"model@{epoch}"] = (model, epoch, label)
    rng_seed = [spec["uturn_seed"], spec["split"], spec["seed"]]
    train = job.ds.split(spec["split"], spec["n"])
    subset_rng = np.random.default_rng(rng_seed)
    subset = train[np.sort(subset_rng.choice(len(train), spec["empirical_size"], replace=False))]
    subset_one_hot = F.one_hot(torch.as_tensor(subset, dtype=torch.long), g.q).float()
    denoisers = {
        **{name: model for name, (model, _, _) in models.items()},
        "empirical": EmpiricalDenoiser(subset_one_hot.to(job.device), job.schedule),
        **{f"bp{k}": grammar_oracle(job, k) for k in spec["ks"]},
    }
    reps, n = spec["reps"], spec["n_sequences"]
    starts = random_starts([*rng_seed, 1], len(steps), reps, n, g.length, g.q)
    rows = []
    for index, t in enumerate(steps):
        res = uturn_overlaps(
            denoisers, starts[index], t, job.schedule, g.q, 1, spec["uturn_seed"] + 1000 * index,
            spec["batch_size"], job.device,
        )  # fmt: skip
        for name, values in res.items():
            # (reps, n): the mean over repetitions per start index, then mean ± s.e. over n
            mean, se = mean_se(values.reshape(reps, n).mean(axis=0))
            base = {"n": spec["n"], "split": spec["split"], "seed": spec["seed"], "t": t,
                    "t_fraction": t / job.schedule.T, "overlap": mean,
                    "overlap_se": se}  # fmt: skip
            if name in models:
                _, epoch, label = models[name]
                rows.append({**base, "denoiser": "model", "epoch": epoch, "checkpoint": label})
            else:
                rows.append({**base, "denoiser": name, "epoch": np.nan, "checkpoint": ""})
        log(f"t={t}: " + ", ".join(f"{name} {values.mean():.3f}" for name, values in res.items()))
    write_table(rows, args.out, ["t", "denoiser", "epoch"])
