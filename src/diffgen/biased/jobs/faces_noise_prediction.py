"""Noise-prediction split at one checkpoint epoch: ε̂ agreement of every ordered model pair."""

from __future__ import annotations

import argparse

from diffgen.biased.faces.centring import centred
from diffgen.biased.faces.noise_prediction import compare
from diffgen.core import identity
from diffgen.core.checks import steps_rule
from diffgen.core.device import runtime_device
from diffgen.core.errors import InputFileError
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.progress import log
from diffgen.core.specs import Count, Index, Range, Spec
from diffgen.images import dataset
from diffgen.images.checkpoints import checkpoint_epoch
from diffgen.images.models import DIFFUSION, ddpm_from, load_unet, schedule_rule

SPEC = Spec(
    {"epoch": Count, "splits": Count, "n": Count, **DIFFUSION, "ks": [Range(int, 0)],
     "inputs": Count, "seed": Index, "batch_size": Count},
    schedule_rule, steps_rule("ks", below=True),
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="face dataset (HDF5)")
    parser.add_argument(
        "--checkpoints", nargs="+", required=True, help="model 0, 1, ... at the epoch"
    )
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output table (CSV)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    if len(args.checkpoints) != spec["splits"]:
        raise InputFileError(
            f"{len(args.checkpoints)} checkpoints given for {spec['splits']} models"
        )
    for split, path in enumerate(args.checkpoints):
        input_file(path, "checkpoint")
        identity.expect(
            path, "biased", "faces-train", required=False, split=split, n=spec["n"],
            diffusion__T=spec["diffusion"]["T"], position=spec["epoch"],
        )  # fmt: skip
        if checkpoint_epoch(path) != spec["epoch"]:
            raise InputFileError(f"{path}: not a checkpoint of epoch {spec['epoch']}")
    data = input_file(args.data, "face dataset")
    identity.expect(data, "biased", "faces-data", required=False, n=spec["n"])
    device = runtime_device(args)
    faces = dataset.load(data)
    ddpm = ddpm_from(spec)
    models = [load_unet(path, device, ddpm) for path in args.checkpoints]
    test = centred(faces.test, faces, data)
    splits = [centred(faces.split(s, spec["n"]), faces, data) for s in range(spec["splits"])]
    rows = compare(
        models, test, splits, spec["ks"], spec["inputs"], ddpm, spec["seed"],
        spec["batch_size"], device,
    )  # fmt: skip
    for row in rows:
        row["epoch"] = spec["epoch"]
    log(f"epoch {spec['epoch']}: {len(rows)} rows")
    write_table(rows, args.out, ["k", "quantity", "set", "a", "b"])
