"""Train one face U-Net (split i, seed i), resuming from its work directory."""

from __future__ import annotations

import argparse
from pathlib import Path

from diffgen.biased.faces.centring import centred
from diffgen.core import identity
from diffgen.core.jobs import input_file, run_options
from diffgen.core.specs import Count, Index, Spec
from diffgen.images import dataset, unet_training

#: The faces train ε-prediction U-Nets, as the reference does.
PREDICTION = "eps"
SPEC = Spec({"split": Index, "n": Count, **unet_training.TRAINING}, *unet_training.CHECKS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    unet_training.add_arguments(parser, SPEC, "face dataset (HDF5)")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    data = input_file(args.data, "face dataset")
    source = identity.expect(data, "biased", "faces-data", required=False, n=spec["n"])
    options = run_options(args)
    faces = dataset.load(data, parts=("train",))
    images = centred(faces.split(spec["split"], spec["n"]), faces, data)
    name = f"split {spec['split']}"
    record = identity.record("biased", "faces-train", spec, {"data": source})
    unet_training.train(
        spec, images, Path(args.run_dir), options, prediction=PREDICTION, name=name,
        identity=record,
    )  # fmt: skip
