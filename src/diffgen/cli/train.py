"""``diffgen train``: train one (size, split, seed) model, resumably."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import torch

from .. import dataset
from ..device import runtime_device
from ..errors import ConfigError
from ..training import RunOptions, TrainSpec, train
from . import add_runtime_arguments, spec_argument

_EPOCH = re.compile(r"epoch(\d+)\.pt$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="grammar dataset (HDF5)")
    parser.add_argument("--spec", type=spec_argument, required=True, help="JSON TrainSpec")
    parser.add_argument(
        "--checkpoints",
        nargs="+",
        required=True,
        help="output checkpoint paths, each named epoch<E>.pt",
    )
    parser.add_argument("--log", required=True, help="output training log (CSV)")
    parser.add_argument(
        "--work-dir",
        required=True,
        help="private directory for the resume state and staged checkpoints",
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


def checkpoint_targets(paths: list[str]) -> dict[int, Path]:
    targets = {}
    for path in paths:
        match = _EPOCH.search(path)
        if not match:
            raise ConfigError(f"checkpoint output {path} is not named epoch<E>.pt")
        targets[int(match.group(1))] = Path(path)
    return targets


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
    train(
        spec,
        tokens,
        checkpoint_targets(args.checkpoints),
        Path(args.log),
        Path(args.work_dir),
        options,
    )


COMMANDS = {"train": ("train one model (resumes from its work directory)", add_arguments, run)}
