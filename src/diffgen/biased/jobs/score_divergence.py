"""KL(BP_0 || model) along t for one size's models at one checkpoint epoch (Fig 3b).

As the reference: held-out sequences are noised forward afresh at every t of
the grid (``reps`` noise repetitions each), every model's KL is computed per
sequence, averaged over the models, and the curve is the mean ± s.e. of that
model average over the sequences and repetitions. ``trajectory: model`` or
``bp`` instead follows reverse trajectories from the shared x_T (an option).
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from diffgen.biased.jobcontext import EVALUATION, GRID, SCHEDULE, JobContext
from diffgen.biased.jobcontext import add_arguments as add_job_arguments
from diffgen.biased.metrics.kl import sequence_kl
from diffgen.biased.oracle import grammar_oracle
from diffgen.biased.sampler import reverse_sample
from diffgen.biased.samples import load_initial_noise
from diffgen.core.errors import InputFileError
from diffgen.core.jobs import write_table
from diffgen.core.metrics.divergence import mean_se
from diffgen.core.progress import Progress
from diffgen.core.specs import Choice, Count, Index, Spec

SPEC = Spec(
    {"n": Count, **EVALUATION, "t_fractions": GRID, "n_sequences": Count, "reps": Count,
     "trajectory": Choice("forward", "model", "bp"), "sampling_seed": Index},
    SCHEDULE,
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC)
    parser.add_argument(
        "--initial-noise", default=None, help="x_T of the trajectories (model or bp only)"
    )


def _models(job: JobContext, paths: list[str]) -> tuple[list, int]:
    """The checkpoints as denoisers; they must share one epoch (each size's reference)."""
    loaded = [job.checkpoint(path) for path in paths]
    epochs = sorted({epoch for _, epoch in loaded})
    if len(epochs) != 1:
        raise InputFileError(f"checkpoints of epochs {epochs} given; one epoch expected")
    return [denoiser for denoiser, _ in loaded], epochs[0]


def forward_kls(job: JobContext, models: list, grid: list[int]) -> dict[int, np.ndarray]:
    """t -> per-row KL(BP_0 || model) averaged over the models, on forward-noised data."""
    spec, oracle = job.spec, grammar_oracle(job, 0)
    tokens = job.ds.test_set(spec["n_sequences"])
    progress = Progress("KL along t", len(grid), unit="steps")
    out = {}
    for done, t in enumerate(grid, 1):
        _, t_vec, x_t = job.noisy(tokens, t, spec["reps"])
        log_bp = job.log_probs(oracle, x_t, t_vec)
        total = sum(sequence_kl(log_bp, job.log_probs(m, x_t, t_vec)) for m in models)
        out[t] = (total / len(models)).numpy()
        progress.update(done)
    return out


def trajectory_kls(
    job: JobContext, models: list, grid: list[int], x_T: torch.Tensor
) -> dict[int, np.ndarray]:
    """The same along reverse trajectories of each model (or of BP) from x_T."""
    spec, oracle = job.spec, grammar_oracle(job, 0)
    wanted = set(grid)
    out = {t: np.zeros(x_T.shape[0]) for t in grid}
    for model in models:

        def observe(t, x_t, log_x0, rows, model=model):
            if t not in wanted:
                return
            t_vec = torch.full((x_t.shape[0],), t, dtype=torch.long, device=x_t.device)
            log_model = log_x0 if spec["trajectory"] == "model" else model.log_probs(x_t, t_vec)
            kl = sequence_kl(oracle.log_probs(x_t, t_vec), log_model.to(x_t.device))
            out[t][rows] += kl.cpu().numpy() / len(models)

        driver = model if spec["trajectory"] == "model" else oracle
        reverse_sample(
            driver, x_T, job.schedule.T, job.schedule, mode="fix-noise",
            seed=spec["sampling_seed"], batch_size=spec["batch_size"], device=job.device,
            observer=observe, label=f"{spec['trajectory']} trajectories",
        )  # fmt: skip
    return out


def run(args: argparse.Namespace) -> None:
    job = JobContext(args)
    spec, grid = job.spec, job.grid()
    models, epoch = _models(job, args.checkpoints)
    if spec["trajectory"] == "forward":
        kls = forward_kls(job, models, grid)
    else:
        if args.initial_noise is None:
            raise InputFileError(f"trajectory '{spec['trajectory']}' needs --initial-noise")
        rows = spec["n_sequences"] * spec["reps"]
        x_T = torch.from_numpy(load_initial_noise(args.initial_noise, rows))
        kls = trajectory_kls(job, models, grid, x_T)
    table = []
    for t, values in kls.items():
        kl_mean, kl_se = mean_se(values)
        table.append({"n": spec["n"], "epoch": epoch, "models": len(models), "t": t,
                      "t_fraction": t / job.schedule.T, "kl_mean": kl_mean,
                      "kl_se": kl_se})  # fmt: skip
    write_table(table, args.out, ["t"])
