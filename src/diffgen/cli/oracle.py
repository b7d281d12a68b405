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
import pandas as pd
import torch

from .. import dataset
from ..atomic import atomic_path
from ..checkpoints import checkpoint_epoch
from ..denoisers import BPDenoiser, Denoiser
from ..device import runtime_device
from ..errors import InputFileError
from ..evaluation import fixed_noisy_batch
from ..metrics.divergence import mean_se, positionwise_kl
from ..progress import log
from ..sampler import reverse_sample
from ..samples import load_initial_noise
from . import add_runtime_arguments, spec_argument
from .common import model_denoiser, schedule_from


def batched_log_probs(
    denoiser: Denoiser, x_t: torch.Tensor, t: torch.Tensor, batch: int, device
) -> torch.Tensor:
    """Log-probabilities over many rows, in device batches, returned on the CPU."""
    parts = [
        denoiser.log_probs(x_t[rows].to(device), t[rows].to(device)).float().cpu()
        for rows in torch.split(torch.arange(x_t.shape[0]), batch)
    ]
    return torch.cat(parts)


def _write(rows: list[dict], out: str, sort: list[str]) -> None:
    with atomic_path(out) as tmp:
        pd.DataFrame(rows).sort_values(sort).to_csv(tmp, index=False)


# -- sequential learning -------------------------------------------------------
def add_sequential_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True)
    parser.add_argument("--checkpoints", nargs="+", required=True)
    parser.add_argument(
        "--spec",
        type=spec_argument,
        required=True,
        help="JSON: n, split, seed, t_fraction, n_sequences, ks, eval_seed, "
        "batch_size, diffusion, mixed_precision",
    )
    parser.add_argument("--out", required=True)
    add_runtime_arguments(parser)


def run_sequential(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    ds = dataset.load(args.data)
    g = ds.grammar
    schedule = schedule_from(spec)
    t = schedule.t_of_fraction(spec["t_fraction"])
    sets = {
        "test": ds.test_set(spec["n_sequences"]),
        "train": ds.split(spec["split"], spec["n"])[: spec["n_sequences"]],
    }
    inputs, oracles = {}, {}
    for name, tokens in sets.items():
        _, t_vec, x_t = fixed_noisy_batch(tokens, g.q, schedule, spec["eval_seed"], t=t)
        inputs[name] = (t_vec, x_t)
        oracles[name] = {
            k: BPDenoiser(g.M, g.l, schedule, k=k, device=device)
            .log_probs(x_t.to(device), t_vec.to(device))
            .cpu()
            for k in spec["ks"]
        }
    rows = []
    for path in args.checkpoints:
        model = model_denoiser(path, device, spec)
        epoch = checkpoint_epoch(path)
        for name, (t_vec, x_t) in inputs.items():
            log_model = batched_log_probs(model, x_t, t_vec, spec["batch_size"], device)
            for k, log_bp in oracles[name].items():
                kl_mean, kl_se = mean_se(positionwise_kl(log_bp, log_model).numpy())
                rows.append(
                    {
                        "n": spec["n"],
                        "split": spec["split"],
                        "seed": spec["seed"],
                        "epoch": epoch,
                        "data": name,
                        "k": k,
                        "t": t,
                        "kl_mean": kl_mean,
                        "kl_se": kl_se,
                    }
                )
        log(
            f"epoch {epoch}: KL(BP_0||model) test "
            f"{next(r['kl_mean'] for r in rows[::-1] if r['data'] == 'test' and r['k'] == 0):.4g}"
        )
    _write(rows, args.out, ["epoch", "data", "k"])


# -- sample-split divergence -----------------------------------------------------
def add_split_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True)
    parser.add_argument("--first", nargs="+", required=True, help="checkpoints of model 1")
    parser.add_argument("--second", nargs="+", required=True, help="checkpoints of model 2")
    parser.add_argument(
        "--spec",
        type=spec_argument,
        required=True,
        help="JSON: n, pair, same_split, t_fraction, n_sequences, eval_seed, "
        "batch_size, diffusion, mixed_precision",
    )
    parser.add_argument("--out", required=True)
    add_runtime_arguments(parser)


def run_split(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    ds = dataset.load(args.data)
    schedule = schedule_from(spec)
    t = schedule.t_of_fraction(spec["t_fraction"])
    _, t_vec, x_t = fixed_noisy_batch(
        ds.test_set(spec["n_sequences"]), ds.grammar.q, schedule, spec["eval_seed"], t=t
    )
    firsts = {checkpoint_epoch(p): p for p in args.first}
    seconds = {checkpoint_epoch(p): p for p in args.second}
    if set(firsts) != set(seconds):
        raise InputFileError("the two models of a pair must have the same checkpoint epochs")
    rows = []
    for epoch in sorted(firsts):
        log_1 = batched_log_probs(
            model_denoiser(firsts[epoch], device, spec), x_t, t_vec, spec["batch_size"], device
        )
        log_2 = batched_log_probs(
            model_denoiser(seconds[epoch], device, spec), x_t, t_vec, spec["batch_size"], device
        )
        kl_mean, kl_se = mean_se(positionwise_kl(log_1, log_2).numpy())
        rows.append(
            {
                "n": spec["n"],
                "pair": spec["pair"],
                "same_split": spec["same_split"],
                "epoch": epoch,
                "t": t,
                "kl_mean": kl_mean,
                "kl_se": kl_se,
            }
        )
        log(f"epoch {epoch}: sample-split KL {kl_mean:.4g}")
    _write(rows, args.out, ["epoch"])


# -- score divergence along t ------------------------------------------------------
def add_score_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--initial-noise", required=True)
    parser.add_argument(
        "--spec",
        type=spec_argument,
        required=True,
        help="JSON: n, split, seed, t_fractions, n_sequences, ks, trajectory, "
        "sampling_seed, eval_seed, batch_size, diffusion, mixed_precision",
    )
    parser.add_argument("--out", required=True)
    add_runtime_arguments(parser)


def run_score(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    ds = dataset.load(args.data)
    g = ds.grammar
    schedule = schedule_from(spec)
    model = model_denoiser(args.checkpoint, device, spec)
    oracles = {k: BPDenoiser(g.M, g.l, schedule, k=k, device=device) for k in spec["ks"]}
    grid = sorted({schedule.t_of_fraction(f) for f in spec["t_fractions"]})
    n = spec["n_sequences"]
    kls = {(t, k): np.zeros(n) for t in grid for k in spec["ks"]}

    def record(t: int, x_t: torch.Tensor, log_model: torch.Tensor, rows: slice) -> None:
        t_vec = torch.full((x_t.shape[0],), t, dtype=torch.long, device=x_t.device)
        for k, oracle in oracles.items():
            kls[(t, k)][rows] = (
                positionwise_kl(oracle.log_probs(x_t, t_vec), log_model).cpu().numpy()
            )

    trajectory = spec["trajectory"]
    if trajectory == "forward":
        tokens = ds.test_set(n)
        for t in grid:
            _, t_vec, x_t = fixed_noisy_batch(tokens, g.q, schedule, spec["eval_seed"], t=t)
            log_model = batched_log_probs(model, x_t, t_vec, spec["batch_size"], device)
            record(t, x_t, log_model, slice(0, n))
    else:
        x_T = torch.from_numpy(load_initial_noise(args.initial_noise)[:n])
        driver = (
            model
            if trajectory == "model"
            else oracles.get(0) or BPDenoiser(g.M, g.l, schedule, k=0, device=device)
        )
        wanted = set(grid)

        def observe(t: int, x_t: torch.Tensor, log_x0: torch.Tensor, rows: slice) -> None:
            if t not in wanted:
                return
            if trajectory == "model":
                record(t, x_t, log_x0, rows)
            else:
                t_vec = torch.full((x_t.shape[0],), t, dtype=torch.long, device=x_t.device)
                record(t, x_t, model.log_probs(x_t, t_vec), rows)

        reverse_sample(
            driver,
            x_T,
            schedule.T,
            schedule,
            mode="fix-noise",
            seed=spec["sampling_seed"],
            batch_size=spec["batch_size"],
            device=device,
            observer=observe,
            label=f"{trajectory} trajectories",
        )
    epoch = checkpoint_epoch(args.checkpoint)
    rows = []
    for (t, k), values in kls.items():
        kl_mean, kl_se = mean_se(values)
        rows.append(
            {
                "n": spec["n"],
                "split": spec["split"],
                "seed": spec["seed"],
                "epoch": epoch,
                "t": t,
                "t_fraction": t / schedule.T,
                "k": k,
                "kl_mean": kl_mean,
                "kl_se": kl_se,
            }
        )
    _write(rows, args.out, ["t", "k"])


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
