"""Train one study-3 denoiser (MLP or DDPM++) on a dataset, resuming from its work directory."""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from diffgen.core import identity
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import add_spec, add_training, input_file, run_options
from diffgen.core.specs import Count, Index, Range, Spec
from diffgen.repro import data
from diffgen.repro.jobspecs import LOSS, NETWORK
from diffgen.repro.training import TrainSpec, train

SPEC = Spec({"N": Count, "seed": Index, "network": NETWORK, "steps": Count, "batch_size": Count,
             "lr": Range(float, 0.0), "warmup_steps": Index, "ema_decay": Range(float, 0.0, 1.0),
             "loss": LOSS, "log_every": Count})  # fmt: skip
CHECKPOINT_NAME, LOG_NAME = "model.pt", "train_log.csv"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="training set (repro_data HDF5)")
    add_spec(parser, SPEC)
    add_training(parser, "model")


def run(args: argparse.Namespace) -> None:
    spec = TrainSpec(**args.spec)
    data_file = input_file(args.data, "dataset")
    source = identity.expect(data_file, "repro", "data", required=False, N=spec.N)
    arrays, _ = data.load(args.data)
    x = torch.from_numpy(arrays["x"])
    if len(x) != spec.N:
        raise ConfigError(f"--spec key 'N': {spec.N}, but {args.data} holds {len(x)} rows")
    if list(x.shape[1:]) != spec.network["shape"]:
        raise ConfigError(f"--spec key 'network.shape': {args.data} holds {list(x.shape[1:])}")
    run_dir = Path(args.run_dir)
    record = identity.record("repro", "train", args.spec, {"data": source})
    train(spec, x, run_dir / CHECKPOINT_NAME, run_dir / LOG_NAME, run_dir / ".work",
          run_options(args), record)  # fmt: skip
