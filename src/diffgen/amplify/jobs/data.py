"""Write one colour-biased digit set (HDF5: uint8 images, class, bias, effective ρ)."""

from __future__ import annotations

import argparse

from diffgen.amplify import data as amp_data
from diffgen.amplify.jobs._specs import DATA
from diffgen.core.jobs import add_spec
from diffgen.core.specs import Spec

SPEC = Spec(DATA)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="data set (HDF5)")


def run(args: argparse.Namespace) -> None:
    amp_data.save(amp_data.build(args.spec), args.out, args.spec)
