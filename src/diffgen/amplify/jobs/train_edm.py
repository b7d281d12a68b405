"""Train one EDM model on a colour-biased set (EMA checkpoint at the last step)."""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from diffgen.amplify import data as amp_data
from diffgen.amplify.edm_training import EDMSpec, EDMTrainer
from diffgen.amplify.jobs._specs import EDM_MODEL
from diffgen.core import identity, training
from diffgen.core.jobs import add_spec, add_training, input_file, run_options
from diffgen.core.seeding import array_digest
from diffgen.core.specs import Count, Index, Positive, Spec

SPEC = Spec(
    {
        "run": str, "data": str, "model": EDM_MODEL, "num_classes": Count, "steps": Count,
        "batch_size": Count, "lr": Positive, "ema_halflife_kimg": Positive, "seed": Index,
    }
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="colour-biased set (HDF5)")
    add_spec(parser, SPEC)
    add_training(parser, "step")


def run(args: argparse.Namespace) -> None:
    fields = {k: v for k, v in args.spec.items() if k not in ("run", "data")}
    spec = EDMSpec(**fields)
    data, provenance = amp_data.load(input_file(args.data, "amplify data set"), args.spec["data"])
    classes = provenance["spec"]["classes"]
    positions = torch.as_tensor([classes.index(c) for c in data.classes])
    options = run_options(args)
    trainer = EDMTrainer(spec, amp_data.to_model(data.images), positions, options.device)
    run_dir = Path(args.run_dir)
    run = {"spec": args.spec, "data": array_digest(data.images, data.classes)}
    record = identity.record("amplify", "train-edm", args.spec)
    training.train(trainer, run, {spec.steps: run_dir / f"step{spec.steps}.pt"},
                   run_dir / "train_log.csv", run_dir / ".work", options,
                   identity=record)  # fmt: skip
