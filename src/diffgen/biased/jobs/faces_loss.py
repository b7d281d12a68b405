"""ε-prediction loss of every checkpoint of one face model, over every step, test and train."""

from __future__ import annotations

import argparse

from diffgen.biased.faces.centring import centred
from diffgen.core import identity
from diffgen.core.device import runtime_device
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.progress import log
from diffgen.core.specs import Count, Index, Spec
from diffgen.images import dataset
from diffgen.images.checkpoints import checkpoint_epoch
from diffgen.images.loss import EvaluationNoise, mean_se, per_image_losses
from diffgen.images.models import DIFFUSION, ddpm_from, load_unet, schedule_rule

SPEC = Spec(
    {"split": Index, "n": Count, **DIFFUSION, "images": Count, "seed": Index, "batch_size": Count},
    schedule_rule,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="face dataset (HDF5)")
    parser.add_argument("--checkpoints", nargs="+", required=True)
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output table (CSV)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    made = {}
    for path in args.checkpoints:
        input_file(path, "checkpoint")
        made[path] = identity.expect(
            path, "biased", "faces-train", required=False, split=spec["split"], n=spec["n"],
            diffusion__T=spec["diffusion"]["T"],
        )  # fmt: skip
    data = input_file(args.data, "face dataset")
    source = identity.expect(data, "biased", "faces-data", required=False, n=spec["n"])
    for path, found in made.items():  # trained on this very data set
        identity.made_from(path, found, "data", data, source)
    device = runtime_device(args)
    faces = dataset.load(data)
    count = spec["images"]
    sets = {
        "test": centred(faces.test_set(count), faces, data),
        "train": centred(faces.split(spec["split"], spec["n"])[:count], faces, data),
    }
    ddpm = ddpm_from(spec)
    noise = EvaluationNoise(spec["seed"], count, tuple(faces.image_shape), ddpm.T)
    rows = []
    for path in args.checkpoints:
        model = load_unet(path, device, ddpm)
        row = {"split": spec["split"], "epoch": checkpoint_epoch(path)}
        for name, images in sets.items():
            losses = per_image_losses(model, images, ddpm, noise, spec["batch_size"], device)
            row[f"{name}_loss"], row[f"{name}_loss_se"] = mean_se(losses)
        log(f"epoch {row['epoch']}: test {row['test_loss']:.5f}, train {row['train_loss']:.5f}")
        rows.append(row)
    write_table(rows, args.out, ["epoch"])
