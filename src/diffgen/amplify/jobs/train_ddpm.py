"""Train fig 5's class-conditional ε-UNet (DDPM, CFG label dropout per batch)."""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from diffgen.amplify import data as amp_data
from diffgen.amplify.ddpm_training import DDPMSpec, DDPMTrainer
from diffgen.amplify.jobs._specs import DDPM_NETWORK
from diffgen.core import identity, training
from diffgen.core.jobs import add_spec, add_training, input_file, run_options
from diffgen.core.seeding import array_digest
from diffgen.core.specs import Count, Fraction, Index, Positive, Spec

SPEC = Spec(
    {
        "data": str, "network": DDPM_NETWORK, "beta_start": Positive, "beta_end": Positive,
        "iterations": Count, "batch_size": Count, "lr": Positive, "weight_decay": Positive,
        "grad_clip": Positive, "p_uncond": Fraction, "seed": Index,
    }
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="colour-biased set (HDF5)")
    add_spec(parser, SPEC)
    add_training(parser, "step")


def run(args: argparse.Namespace) -> None:
    spec = DDPMSpec(**{k: v for k, v in args.spec.items() if k != "data"})
    data, provenance = amp_data.load(input_file(args.data, "amplify data set"), args.spec["data"])
    classes = provenance["spec"]["classes"]
    labels = torch.as_tensor([classes.index(c) + 1 for c in data.classes])
    options = run_options(args)
    trainer = DDPMTrainer(spec, amp_data.to_model(data.images), labels, options.device)
    run_dir = Path(args.run_dir)
    run = {"spec": args.spec, "data": array_digest(data.images, data.classes)}
    record = identity.record("amplify", "train-ddpm", args.spec)
    training.train(trainer, run, {spec.iterations: run_dir / f"step{spec.iterations}.pt"},
                   run_dir / "train_log.csv", run_dir / ".work", options,
                   identity=record)  # fmt: skip
