"""Train one (size, split, seed) model, resuming from its work directory."""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from diffgen.biased import dataset
from diffgen.biased.checkpoints import TRAIN_LOG_NAME, checkpoint_name
from diffgen.biased.training import TrainSpec, train
from diffgen.core import identity
from diffgen.core.checks import checkpoints_rule, schedule_rule
from diffgen.core.jobs import add_spec, add_training, run_options
from diffgen.core.specs import Count, Index, Positive, Range, Spec

SPEC = Spec(
    {
        "n": Count, "split": Index, "seed": Index, "epochs": Count, "checkpoints": [Count],
        "model": {
            "vocab": Count, "length": Count, "d_model": Count, "heads": Count, "layers": Count,
            "ff_mult": Count, "time_dim": Count, "dropout": Range(float, 0.0, 1.0),
        },
        "T": Count, "beta_start": Positive, "beta_end": Positive, "batch_size": Count,
        "lr": Positive, "lr_warm_epochs": Index, "lr_mid": Positive, "lr_final": Positive,
        "mixed_precision": bool,
    },
    schedule_rule(""), checkpoints_rule("epochs", "epoch"),
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="grammar dataset (HDF5)")
    add_spec(parser, SPEC)
    add_training(parser, "epoch")


def run(args: argparse.Namespace) -> None:
    spec = TrainSpec(**args.spec)
    options = run_options(args)
    ds = dataset.load(args.data)
    source = identity.expect(args.data, "biased", "data", required=False)
    tokens = torch.from_numpy(ds.split(spec.split, spec.n).astype("int64"))
    run_dir = Path(args.run_dir)
    outputs = {epoch: run_dir / checkpoint_name(epoch) for epoch in spec.checkpoints}
    record = identity.record("biased", "train", args.spec, {"data": source})
    train(spec, tokens, outputs, run_dir / TRAIN_LOG_NAME, run_dir / ".work", options, record)
