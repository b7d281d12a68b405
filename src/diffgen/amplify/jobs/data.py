"""Draw the study's data: n seeded standard-normal points in dim dimensions (HDF5)."""

from __future__ import annotations

import argparse

import torch

from diffgen.core import hdf5, identity
from diffgen.core.jobs import add_spec
from diffgen.core.specs import Count, Index, Spec

SPEC = Spec({"n": Count, "dim": Count, "seed": Index})
KIND = "amplify_data"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output HDF5 file")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    generator = torch.Generator().manual_seed(spec["seed"])
    points = torch.randn(spec["n"], spec["dim"], generator=generator, dtype=torch.float64)
    record = identity.record("amplify", "data", spec)
    hdf5.write(args.out, KIND, {"points": points.numpy()}, {"spec": spec}, identity=record)
