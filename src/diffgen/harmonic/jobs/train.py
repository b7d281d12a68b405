"""Train one bias-free denoiser on one split (σ = U² blind training), resuming its run."""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from diffgen.core import identity
from diffgen.core.jobs import add_spec, add_training, input_file, run_options
from diffgen.core.specs import Count, Index, Positive, Spec
from diffgen.harmonic import datasets
from diffgen.harmonic.jobs.data import SPEC as DATA_SPEC
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
        "data": DATA_SPEC.fields,
    }
)
MODEL, LOG = "model.pt", "train_log.csv"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="training split (HDF5)")
    add_spec(parser, SPEC)
    add_training(parser, "model")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    identity.expect(input_file(args.data, "training split"), "harmonic", "data", **spec["data"])
    images = torch.from_numpy(datasets.load(args.data)[0])
    run_dir = Path(args.run_dir)
    record = identity.record("harmonic", "train", spec)
    options = run_options(args)
    train(spec, images, run_dir / MODEL, run_dir / LOG, run_dir / ".work", options, record)
