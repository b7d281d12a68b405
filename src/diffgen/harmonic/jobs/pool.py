"""Every image of a finite dataset (digits, or a CelebA folder prepared and deduplicated)."""

from __future__ import annotations

import argparse

from diffgen.core.device import runtime_device
from diffgen.core.identity import record
from diffgen.core.jobs import add_runtime, add_spec
from diffgen.core.specs import Choice, Spec
from diffgen.harmonic import celeba, datasets

SPEC = Spec({"name": Choice("digits", "celeba"), "celeba_path": str})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="image pool (HDF5)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    if spec["name"] == "digits":
        x = datasets.digits()
    else:
        device = runtime_device(args)
        x = celeba.load_folder(spec["celeba_path"])
        x = x[~celeba.duplicates(x, device=str(device))]
    datasets.save(args.out, x, {"spec": spec}, identity=record("harmonic", "pool", spec))
