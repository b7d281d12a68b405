"""``diffgen loss``: test and train DSM cross-entropy of every checkpoint of a run."""

from __future__ import annotations

import argparse

import pandas as pd

from .. import dataset
from ..atomic import atomic_path
from ..checkpoints import checkpoint_epoch
from ..device import runtime_device
from ..evaluation import fixed_noisy_batch, mean_cross_entropy
from ..progress import log
from . import add_runtime_arguments, spec_argument
from .common import model_denoiser, schedule_from


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True)
    parser.add_argument("--checkpoints", nargs="+", required=True)
    parser.add_argument(
        "--spec",
        type=spec_argument,
        required=True,
        help="JSON: n, split, seed, loss_sequences, eval_seed, diffusion",
    )
    parser.add_argument("--out", required=True, help="CSV: one row per checkpoint")
    add_runtime_arguments(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    ds = dataset.load(args.data)
    q = ds.grammar.q
    schedule = schedule_from(spec)
    count = spec["loss_sequences"]
    sets = {
        "test": ds.test_set(count),
        "train": ds.split(spec["split"], spec["n"])[:count],
    }
    batches = {k: fixed_noisy_batch(v, q, schedule, spec["eval_seed"]) for k, v in sets.items()}
    rows = []
    for path in args.checkpoints:
        denoiser = model_denoiser(path, device, spec)
        row = {
            "n": spec["n"],
            "split": spec["split"],
            "seed": spec["seed"],
            "epoch": checkpoint_epoch(path),
        }
        for name, batch in batches.items():
            row[f"{name}_loss"] = mean_cross_entropy(denoiser, *batch)
        log(f"epoch {row['epoch']}: test {row['test_loss']:.4f}, train {row['train_loss']:.4f}")
        rows.append(row)
    with atomic_path(args.out) as tmp:
        pd.DataFrame(rows).sort_values("epoch").to_csv(tmp, index=False)


COMMANDS = {
    "loss": ("DSM cross-entropy of every checkpoint on test and train data", add_arguments, run)
}
