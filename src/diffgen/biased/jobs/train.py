"""Train one (size, split, seed) model, resuming from its work directory."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import torch

from diffgen.biased import dataset
from diffgen.biased.checkpoints import TRAIN_LOG_NAME, checkpoint_name
from diffgen.biased.training import RunOptions, TrainSpec, train
from diffgen.core.device import runtime_device
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import add_runtime, add_spec
from diffgen.core.specs import Count, Index, Positive, Range, Spec

SPEC = Spec(
    {
        "n": Count, "split": Index, "seed": Index, "epochs": Count, "checkpoints": [Count],
        "model": {
            "vocab": Count, "length": Count, "d_model": Count, "heads": Count, "layers": Count,
            "ff_mult": Count, "time_dim": Count, "dropout": Range(float, 0.0, 1.0),
        },
        "T": Count, "beta_start?": Positive, "beta_end?": Positive, "batch_size?": Count,
        "lr?": Positive, "lr_warm_epochs?": Index, "lr_mid?": Positive, "lr_final?": Positive,
        "mixed_precision?": bool,
    }
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="grammar dataset (HDF5)")
    add_spec(parser, SPEC)
    parser.add_argument(
        "--run-dir",
        required=True,
        help="output directory: epoch<E>.pt for every checkpoint epoch of the spec,"
        " train_log.csv, and .work/ (resume state, staged outputs)",
    )
    parser.add_argument(
        "--compile",
        choices=("auto", "on", "off"),
        default=os.environ.get("DIFFGEN_COMPILE", "auto"),
        help="torch.compile: auto = CUDA only (default: $DIFFGEN_COMPILE or auto)",
    )
    parser.add_argument(
        "--resume-every-seconds",
        type=float,
        default=float(os.environ.get("DIFFGEN_RESUME_EVERY_SECONDS", "600")),
        help="seconds between resume states (default: $DIFFGEN_RESUME_EVERY_SECONDS or 600)",
    )
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = TrainSpec(**args.spec)
    bad = sorted(set(spec.checkpoints) - set(range(1, spec.epochs + 1)))
    if bad:
        raise ConfigError(f"--spec key 'checkpoints': epoch {bad[0]} is outside 1..{spec.epochs}")
    device = runtime_device(args)
    compile_model = args.compile == "on" or (args.compile == "auto" and device.type == "cuda")
    ds = dataset.load(args.data)
    tokens = torch.from_numpy(ds.split(spec.split, spec.n).astype("int64"))
    options = RunOptions(
        device=device, resume_every_seconds=args.resume_every_seconds, compile=compile_model
    )
    run_dir = Path(args.run_dir)
    outputs = {epoch: run_dir / checkpoint_name(epoch) for epoch in spec.checkpoints}
    train(spec, tokens, outputs, run_dir / TRAIN_LOG_NAME, run_dir / ".work", options)
