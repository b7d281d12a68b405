"""Train one bpUNet run (grammar, P, seed), resuming from its work directory."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import torch

from diffgen.core.device import runtime_device
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import add_runtime, add_spec, input_file
from diffgen.core.specs import Count, Index, Positive, Spec
from diffgen.core.training import RunOptions
from diffgen.rhm.checkpoints import TRAIN_LOG_NAME, checkpoint_name
from diffgen.rhm.dataset import load_dataset
from diffgen.rhm.jobspecs import DIFFUSION, NETWORK
from diffgen.rhm.training import TrainSpec, train

SPEC = Spec(
    {
        "grammar": str, "P": Count, "seed": Index, "steps": Count, "checkpoints": [Count],
        "network": NETWORK, "seed_model": Index, "diffusion": DIFFUSION, "batch_size": Count,
        "lr": Positive, "n_trajectories": Count, "mixed_precision": bool, "log_every": Count,
    }
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="RHM dataset (HDF5)")
    add_spec(parser, SPEC)
    parser.add_argument(
        "--run-dir",
        required=True,
        help="output directory: step<S>.pt for every checkpoint of the spec, train_log.csv,"
        " and .work/ (resume state, staged outputs)",
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
    bad = sorted(set(spec.checkpoints) - set(range(1, spec.steps + 1)))
    if bad:
        raise ConfigError(f"--spec key 'checkpoints': step {bad[0]} is outside 1..{spec.steps}")
    data = load_dataset(input_file(args.data, "RHM dataset"))
    leaves = torch.from_numpy(data.train[-1])
    if leaves.shape[0] != spec.P:
        raise ConfigError(f"--spec key 'P': {spec.P}, but {args.data} holds {leaves.shape[0]}")
    if leaves.shape[1] != spec.network["d"] or data.grammar.shape.v != spec.network["v"]:
        raise ConfigError(f"--spec key 'network': does not fit the strings of {args.data}")
    device = runtime_device(args)
    compile_model = args.compile == "on" or (args.compile == "auto" and device.type == "cuda")
    options = RunOptions(
        device=device, resume_every_seconds=args.resume_every_seconds, compile=compile_model
    )
    run_dir = Path(args.run_dir)
    outputs = {step: run_dir / checkpoint_name(step) for step in spec.checkpoints}
    train(spec, leaves, outputs, run_dir / TRAIN_LOG_NAME, run_dir / ".work", options)
