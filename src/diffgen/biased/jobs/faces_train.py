"""Train one face U-Net (split i, seed i), resuming from its work directory."""

from __future__ import annotations

import argparse
from pathlib import Path

from diffgen.biased.faces.centring import centred
from diffgen.biased.faces.models import DIFFUSION, MODEL
from diffgen.biased.faces.training import train
from diffgen.core.jobs import add_spec, add_training, check_checkpoints, input_file, run_options
from diffgen.core.specs import Count, Index, Positive, Spec
from diffgen.images import dataset
from diffgen.images.checkpoints import TRAIN_LOG_NAME, checkpoint_name

SPEC = Spec(
    {
        "split": Index, "seed": Index, "n": Count, "epochs": Count, "checkpoints": [Count],
        "model": MODEL, **DIFFUSION, "batch_size": Count, "lr": Positive, "mixed_precision": bool,
    }
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="face dataset (HDF5)")
    add_spec(parser, SPEC)
    add_training(parser, "epoch")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    check_checkpoints(spec["checkpoints"], spec["epochs"], "epoch")
    data = input_file(args.data, "face dataset")
    options = run_options(args)
    faces = dataset.load(data, parts=("train",))
    images = centred(faces.split(spec["split"], spec["n"]), faces, data)
    run_dir = Path(args.run_dir)
    outputs = {epoch: run_dir / checkpoint_name(epoch) for epoch in spec["checkpoints"]}
    train(spec, images, outputs, run_dir / TRAIN_LOG_NAME, run_dir / ".work", options)
