"""Calibrate the offline similarity threshold τ on independent pairs of data rows (a table)."""

from __future__ import annotations

import argparse

import torch

from diffgen.core import identity
from diffgen.core.jobs import add_spec, input_file, write_table
from diffgen.core.specs import Count, Index, Range, Spec
from diffgen.repro import data
from diffgen.repro.measures import calibrate_threshold

SPEC = Spec({"pairs": Count, "quantile": Range(float, 0.0, 1.0), "seed": Index})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="dataset whose rows are paired")
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output table (CSV)")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    identity.expect(input_file(args.data, "dataset"), "repro", "data", required=False)
    arrays, data_spec = data.load(args.data)
    x = torch.from_numpy(arrays["x"])
    tau = calibrate_threshold(x, spec["pairs"], spec["quantile"], spec["seed"])
    row = {"dataset": data_spec["dataset"], "N": len(x), "tau": tau, **spec}
    write_table([row], args.out)
