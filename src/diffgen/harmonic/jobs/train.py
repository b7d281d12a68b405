"""Train one bias-free denoiser on one split (σ = U² blind training), resuming its run."""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from diffgen.core.jobs import add_spec, add_training, input_file, run_options
from diffgen.core.specs import Count, Index, Positive, Spec
from diffgen.harmonic import datasets
from diffgen.harmonic.jobspecs import NETWORK
from diffgen.harmonic.training import train

SPEC = Spec(
    {
        "network": NETWORK,
        "epochs": Count,
        "epoch_images": Count,
        "batch_size": Count,
        "lr": Positive,
        "halve_every": Count,
        "seed": Index,
        "mixed_precision": bool,
    }
)
MODEL, LOG = "model.pt", "train_log.csv"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="training split (HDF5)")
    add_spec(parser, SPEC)
    add_training(parser, "model")


def run(args: argparse.Namespace) -> None:
    images = torch.from_numpy(datasets.load(input_file(args.data, "training split"))[0])
    run_dir = Path(args.run_dir)
    train(args.spec, images, run_dir / MODEL, run_dir / LOG, run_dir / ".work", run_options(args))
