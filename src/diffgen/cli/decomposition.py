"""``diffgen loss-decomposition``: loss = l* + l~ at a fixed time, over checkpoints (Fig 4b)."""

from __future__ import annotations

import argparse

import pandas as pd

from .. import dataset
from ..atomic import atomic_path
from ..checkpoints import checkpoint_epoch
from ..denoisers import BPDenoiser
from ..device import runtime_device
from ..evaluation import fixed_noisy_batch
from ..metrics.loss_decomposition import decompose
from ..progress import log
from . import add_runtime_arguments, spec_argument
from .common import model_denoiser, schedule_from
from .oracle import batched_log_probs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True)
    parser.add_argument("--checkpoints", nargs="+", required=True)
    parser.add_argument(
        "--spec",
        type=spec_argument,
        required=True,
        help="JSON: n, split, seed, t_fraction, n_sequences, eval_seed, "
        "batch_size, diffusion, mixed_precision",
    )
    parser.add_argument("--out", required=True)
    add_runtime_arguments(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    ds = dataset.load(args.data)
    g = ds.grammar
    schedule = schedule_from(spec)
    t = schedule.t_of_fraction(spec["t_fraction"])
    oracle = BPDenoiser(g.M, g.l, schedule, k=0, device=device)
    sets = {
        "train": ds.split(spec["split"], spec["n"])[: spec["n_sequences"]],
        "test": ds.test_set(spec["n_sequences"]),
    }
    prepared = {}
    for name, tokens in sets.items():
        x0, t_vec, x_t = fixed_noisy_batch(tokens, g.q, schedule, spec["eval_seed"], t=t)
        log_bp = batched_log_probs(oracle, x_t, t_vec, spec["batch_size"], device)
        prepared[name] = (x0, t_vec, x_t, log_bp)
    rows = []
    for path in args.checkpoints:
        model = model_denoiser(path, device, spec)
        epoch = checkpoint_epoch(path)
        for name, (x0, t_vec, x_t, log_bp) in prepared.items():
            log_model = batched_log_probs(model, x_t, t_vec, spec["batch_size"], device)
            terms = {k: float(v.mean()) for k, v in decompose(log_model, log_bp, x0).items()}
            rows.append(
                {
                    "n": spec["n"],
                    "split": spec["split"],
                    "seed": spec["seed"],
                    "epoch": epoch,
                    "data": name,
                    "t": t,
                    **terms,
                }
            )
        log(
            f"epoch {epoch}: "
            + ", ".join(
                f"{r['data']} l*={r['l_star']:.4f} l~={r['l_tilde']:.4f}" for r in rows[-2:]
            )
        )
    with atomic_path(args.out) as tmp:
        pd.DataFrame(rows).sort_values(["epoch", "data"]).to_csv(tmp, index=False)


COMMANDS = {
    "loss-decomposition": ("split the DSM loss into l* and l~ over checkpoints", add_arguments, run)
}
