"""Train one bpUNet run (grammar, P, seed), resuming from its work directory."""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from diffgen.core import identity
from diffgen.core.checks import checkpoints_rule
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import add_spec, add_training, input_file, run_options
from diffgen.core.specs import Count, Index, Positive, Spec
from diffgen.rhm.checkpoints import TRAIN_LOG_NAME, checkpoint_name
from diffgen.rhm.dataset import load_dataset
from diffgen.rhm.jobspecs import DIFFUSION, NETWORK, schedule_rule
from diffgen.rhm.training import TrainSpec, train

SPEC = Spec(
    {
        "grammar": str, "P": Count, "seed": Index, "steps": Count, "checkpoints": [Count],
        "network": NETWORK, "seed_model": Index, "diffusion": DIFFUSION, "batch_size": Count,
        "lr": Positive, "n_trajectories": Count, "mixed_precision": bool, "log_every": Count,
    },
    schedule_rule, checkpoints_rule("steps", "step"),
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="RHM dataset (HDF5)")
    add_spec(parser, SPEC)
    add_training(parser, "step")


def run(args: argparse.Namespace) -> None:
    spec = TrainSpec(**args.spec)
    identity.expect(input_file(args.data, "RHM dataset"), "rhm", "data", P=spec.P)
    data = load_dataset(args.data)
    leaves = torch.from_numpy(data.train[-1])
    if leaves.shape[0] != spec.P:
        raise ConfigError(f"--spec key 'P': {spec.P}, but {args.data} holds {leaves.shape[0]}")
    if leaves.shape[1] != spec.network["d"] or data.grammar.shape.v != spec.network["v"]:
        raise ConfigError(f"--spec key 'network': does not fit the strings of {args.data}")
    options = run_options(args)
    run_dir = Path(args.run_dir)
    outputs = {step: run_dir / checkpoint_name(step) for step in spec.checkpoints}
    record = identity.record("rhm", "train", args.spec)
    train(spec, leaves, outputs, run_dir / TRAIN_LOG_NAME, run_dir / ".work", options, record)
