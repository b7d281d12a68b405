"""Fig A: the bias classifier's accuracy on a set's images plus noise σ (a CSV)."""

from __future__ import annotations

import argparse

from diffgen.amplify import data as amp_data
from diffgen.amplify.robustness import accuracy_rows
from diffgen.core.jobs import add_spec, input_file, write_table
from diffgen.core.specs import Index, Positive, Spec

SPEC = Spec({"data": str, "sigmas": [Positive], "seed": Index})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="colour-biased set (HDF5)")
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="accuracy table (CSV)")


def run(args: argparse.Namespace) -> None:
    data, _ = amp_data.load(input_file(args.data, "amplify data set"), args.spec["data"])
    write_table(accuracy_rows(data, args.spec["sigmas"], args.spec["seed"]), args.out)
