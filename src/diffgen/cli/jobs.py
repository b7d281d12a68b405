"""Pieces every measurement job shares: its arguments, its model columns, its table."""

from __future__ import annotations

import argparse

import pandas as pd

from ..atomic import atomic_path
from . import add_runtime_arguments, spec_argument


def add_job_arguments(
    parser: argparse.ArgumentParser, spec_help: str, checkpoints: str = "many"
) -> None:
    """--data, --checkpoint(s), --spec, --out and the runtime options of a job."""
    parser.add_argument("--data", required=True, help="grammar dataset (HDF5)")
    if checkpoints == "many":
        parser.add_argument("--checkpoints", nargs="+", required=True)
    elif checkpoints == "one":
        parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--spec", type=spec_argument, required=True, help=f"JSON: {spec_help}")
    parser.add_argument("--out", required=True, help="output table (CSV)")
    add_runtime_arguments(parser)


def model_columns(spec: dict, epoch: int) -> dict:
    """The columns that identify a model's row: size, split, seed, epoch."""
    return {"n": spec["n"], "split": spec["split"], "seed": spec["seed"], "epoch": epoch}


def write_table(rows: list[dict], out: str, sort: list[str]) -> None:
    """Write rows as a CSV table sorted by ``sort``, atomically."""
    with atomic_path(out) as tmp:
        pd.DataFrame(rows).sort_values(sort).to_csv(tmp, index=False)


def train_and_test(ds, spec: dict, count: int) -> dict:
    """The first ``count`` sequences of the model's training split and of the test pool."""
    return {
        "train": ds.split(spec["split"], spec["n"])[:count],
        "test": ds.test_set(count),
    }
