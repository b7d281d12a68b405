"""Measure the squared error of the empirical mean of the first N points, per N."""

from __future__ import annotations

import argparse

from diffgen.core import hdf5, identity
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import add_spec, input_file, write_table
from diffgen.core.specs import Count, Spec
from diffgen.amplify.jobs.data import KIND

SPEC = Spec({"sizes": [Count], "dim": Count})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="data set (HDF5, from the data job)")
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output table (CSV)")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    identity.expect(input_file(args.data, "data set"), "amplify", "data", dim=spec["dim"])
    arrays, _ = hdf5.read(args.data, KIND, ["points"])
    points = arrays["points"]
    if max(spec["sizes"]) > len(points):
        raise ConfigError(f"--spec key 'sizes': {max(spec['sizes'])} > {len(points)} points")
    rows = [
        {
            "N": size,
            "squared_error": float((points[:size].mean(axis=0) ** 2).sum()),
            "expected": spec["dim"] / size,
        }
        for size in spec["sizes"]
    ]
    write_table(rows, args.out, sort=["N"])
