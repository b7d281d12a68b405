"""Model-vs-oracle and model-vs-model divergences of the posterior x0_hat.

* ``diffgen sequential``: KL(BP_k || model) at a fixed t/T, over checkpoints,
  on test and on training data (Fig 1b, Fig 6).
* ``diffgen sample-split``: KL(model_1 || model_2) for two models trained on
  disjoint splits or on the same split with other seeds (Fig 1b, Fig 6).
* ``diffgen score-divergence``: KL(BP_k || model) along t for one checkpoint
  (Fig 3b).

All divergences are per-position means, in nats, averaged over sequences.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from ..checkpoints import checkpoint_epoch
from ..errors import InputFileError
from ..metrics.divergence import mean_se, positionwise_kl
from ..progress import log
from ..sampler import reverse_sample
from ..samples import load_initial_noise
from .common import JobContext
from .jobs import add_job_arguments, model_columns, train_and_test, write_table


# -- sequential learning -------------------------------------------------------
def add_sequential_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(
        parser,
        "n, split, seed, t_fraction, n_sequences, ks, eval_seed, batch_size, diffusion, "
        "mixed_precision",
    )


def run_sequential(args: argparse.Namespace) -> None:
    job = JobContext(args)
    spec, t = job.spec, job.step()
    inputs, oracles = {}, {}
    for name, tokens in train_and_test(job.ds, spec, spec["n_sequences"]).items():
        _, t_vec, x_t = job.noisy(tokens, t)
        inputs[name] = (t_vec, x_t)
        oracles[name] = {k: job.log_probs(job.oracle(k), x_t, t_vec) for k in spec["ks"]}
    rows = []
    for path in args.checkpoints:
        model = job.model(path)
        epoch = checkpoint_epoch(path)
        for name, (t_vec, x_t) in inputs.items():
            log_model = job.log_probs(model, x_t, t_vec)
            for k, log_bp in oracles[name].items():
                kl_mean, kl_se = mean_se(positionwise_kl(log_bp, log_model).numpy())
                rows.append({**model_columns(spec, epoch), "data": name, "k": k, "t": t,
                             "kl_mean": kl_mean, "kl_se": kl_se})  # fmt: skip
        exact = [r["kl_mean"] for r in rows if r["epoch"] == epoch and r["k"] == min(spec["ks"])]
        log(f"epoch {epoch}: KL(BP_k||model) at k={min(spec['ks'])}: {exact}")
    write_table(rows, args.out, ["epoch", "data", "k"])


# -- sample-split divergence -----------------------------------------------------
def add_split_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(
        parser,
        "n, pair, same_split, t_fraction, n_sequences, eval_seed, batch_size, diffusion, "
        "mixed_precision",
        checkpoints="none",
    )
    parser.add_argument("--first", nargs="+", required=True, help="checkpoints of model 1")
    parser.add_argument("--second", nargs="+", required=True, help="checkpoints of model 2")


def run_split(args: argparse.Namespace) -> None:
    job = JobContext(args)
    spec, t = job.spec, job.step()
    tokens = job.ds.test_set(spec["n_sequences"])
    _, t_vec, x_t = job.noisy(tokens, t)
    firsts = {checkpoint_epoch(p): p for p in args.first}
    seconds = {checkpoint_epoch(p): p for p in args.second}
    if set(firsts) != set(seconds):
        raise InputFileError("the two models of a pair must have the same checkpoint epochs")
    rows = []
    for epoch in sorted(firsts):
        log_1, log_2 = (
            job.log_probs(job.model(path), x_t, t_vec) for path in (firsts[epoch], seconds[epoch])
        )
        kl_mean, kl_se = mean_se(positionwise_kl(log_1, log_2).numpy())
        rows.append({"n": spec["n"], "pair": spec["pair"], "same_split": spec["same_split"],
                     "epoch": epoch, "t": t, "kl_mean": kl_mean, "kl_se": kl_se})  # fmt: skip
        log(f"epoch {epoch}: sample-split KL {kl_mean:.4g}")
    write_table(rows, args.out, ["epoch"])


# -- score divergence along t ------------------------------------------------------
def add_score_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(
        parser,
        "n, split, seed, t_fractions, n_sequences, ks, trajectory, sampling_seed, eval_seed, "
        "batch_size, diffusion, mixed_precision",
        checkpoints="one",
    )
    parser.add_argument("--initial-noise", required=True, help="x_T of the trajectories")


def run_score(args: argparse.Namespace) -> None:
    job = JobContext(args)
    spec, schedule, grid = job.spec, job.schedule, job.grid()
    model = job.model(args.checkpoint)
    oracles = {k: job.oracle(k) for k in spec["ks"]}
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
        x_T = torch.from_numpy(load_initial_noise(args.initial_noise)[:n])
        driver = model if trajectory == "model" else job.oracle(0)
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


COMMANDS = {
    "sequential": (
        "KL(BP_k || model) at a fixed time over checkpoints",
        add_sequential_arguments,
        run_sequential,
    ),
    "sample-split": (
        "KL between two models' posteriors over checkpoints",
        add_split_arguments,
        run_split,
    ),
    "score-divergence": (
        "KL(BP_k || model) along t for one checkpoint",
        add_score_arguments,
        run_score,
    ),
}
