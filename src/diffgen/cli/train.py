"""``diffgen train``: train one (size, split, seed) model, resumably."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import torch

from .. import dataset
from ..checkpoints import TRAIN_LOG_NAME, checkpoint_name
from ..device import runtime_device
from ..errors import ConfigError
from ..training import RunOptions, TrainSpec, train
from . import add_runtime_arguments, spec_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="grammar dataset (HDF5)")
    parser.add_argument("--spec", type=spec_argument, required=True, help="JSON TrainSpec")
    parser.add_argument(
        "--run-dir",
        required=True,
        help="output directory: epoch<E>.pt for every checkpoint epoch of the spec,"
        " train_log.csv, and .work/ (resume state and staged checkpoints, removed at the end)",
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
    add_runtime_arguments(parser)


def run(args: argparse.Namespace) -> None:
    try:
        spec = TrainSpec(**args.spec)
    except TypeError as err:
        raise ConfigError(f"bad training spec ({err})") from None
    device = runtime_device(args)
    compile_model = args.compile == "on" or (args.compile == "auto" and device.type == "cuda")
    ds = dataset.load(args.data)
    tokens = torch.from_numpy(ds.split(spec.split, spec.n).astype("int64"))
    options = RunOptions(
        device=device,
        resume_every_seconds=args.resume_every_seconds,
        compile=compile_model,
    )
    run_dir = Path(args.run_dir)
    outputs = {epoch: run_dir / checkpoint_name(epoch) for epoch in spec.checkpoints}
    train(spec, tokens, outputs, run_dir / TRAIN_LOG_NAME, run_dir / ".work", options)


COMMANDS = {"train": ("train one model (resumes from its work directory)", add_arguments, run)}
