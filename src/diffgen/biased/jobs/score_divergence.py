"""KL(BP_k || model) along t for one checkpoint (Fig 3b)."""

from __future__ import annotations

import argparse

import numpy as np
import torch

from diffgen.biased.checkpoints import checkpoint_epoch
from diffgen.biased.jobcontext import (
    EVALUATION,
    FRACTIONS,
    K_LIST,
    MODEL,
    JobContext,
    model_columns,
)  # fmt: skip
from diffgen.biased.jobcontext import (
    add_arguments as add_job_arguments,
)
from diffgen.biased.oracle import grammar_oracle
from diffgen.biased.sampler import reverse_sample
from diffgen.biased.samples import load_initial_noise
from diffgen.core.jobs import write_table
from diffgen.core.metrics.divergence import mean_se, positionwise_kl
from diffgen.core.specs import Choice, Count, Index, Spec

SPEC = Spec(
    {**MODEL, **EVALUATION, "t_fractions": FRACTIONS, "n_sequences": Count, "ks": K_LIST,
     "trajectory": Choice("model", "bp", "forward"), "sampling_seed": Index}
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC, checkpoints="one")
    parser.add_argument("--initial-noise", required=True, help="x_T of the trajectories")


def run(args: argparse.Namespace) -> None:
    job = JobContext(args)
    spec, schedule, grid = job.spec, job.schedule, job.grid()
    model = job.model(args.checkpoint)
    oracles = {k: grammar_oracle(job, k) for k in spec["ks"]}
    n = spec["n_sequences"]
    kls = {(t, k): np.zeros(n) for t in grid for k in spec["ks"]}

    def record(t: int, x_t: torch.Tensor, log_model: torch.Tensor, rows: slice) -> None:
        t_vec = torch.full((x_t.shape[0],), t, dtype=torch.long, device=x_t.device)
        for k, oracle in oracles.items():
            kl = positionwise_kl(oracle.log_probs(x_t, t_vec), log_model.to(x_t.device))
            kls[(t, k)][rows] = kl.cpu().numpy()

    trajectory = spec["trajectory"]
    if trajectory == "forward":
        tokens = job.ds.test_set(n)
        for t in grid:
            _, t_vec, x_t = job.noisy(tokens, t)
            record(t, x_t, job.log_probs(model, x_t, t_vec), slice(0, n))
    else:
        x_T = torch.from_numpy(load_initial_noise(args.initial_noise, n))
        driver = model if trajectory == "model" else grammar_oracle(job, 0)
        wanted = set(grid)

        def observe(t: int, x_t: torch.Tensor, log_x0: torch.Tensor, rows: slice) -> None:
            if t not in wanted:
                return
            if trajectory == "bp":
                t_vec = torch.full((x_t.shape[0],), t, dtype=torch.long, device=x_t.device)
                log_x0 = model.log_probs(x_t, t_vec)
            record(t, x_t, log_x0, rows)

        reverse_sample(
            driver, x_T, schedule.T, schedule, mode="fix-noise", seed=spec["sampling_seed"],
            batch_size=spec["batch_size"], device=job.device, observer=observe,
            label=f"{trajectory} trajectories",
        )  # fmt: skip
    epoch = checkpoint_epoch(args.checkpoint)
    rows = []
    for (t, k), values in kls.items():
        kl_mean, kl_se = mean_se(values)
        rows.append({**model_columns(spec, epoch), "t": t, "t_fraction": t / schedule.T,
                     "k": k, "kl_mean": kl_mean, "kl_se": kl_se})  # fmt: skip
    write_table(rows, args.out, ["t", "k"])
