"""``diffgen data``: generate (or import) the grammar dataset."""

from __future__ import annotations

import argparse

from .. import dataset
from ..progress import log
from . import spec_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--spec",
        type=spec_argument,
        required=True,
        help="JSON: {grammar: {...}, data: {...}} config sections",
    )
    parser.add_argument("--out", required=True, help="output HDF5 file")


def run(args: argparse.Namespace) -> None:
    grammar, data = args.spec["grammar"], args.spec["data"]
    provenance = {"config_hash": dataset.config_hash(args.spec), "spec": args.spec}
    if data.get("import_path"):
        log(f"importing reference dataset {data['import_path']}")
        ds = dataset.import_reference(data["import_path"], data["n_test"])
    else:
        log(f"generating {data['n_sequences']:,} training and {data['n_test']:,} test sequences")
        ds = dataset.generate(
            grammar["q"],
            grammar["l"],
            grammar["sigma"],
            grammar["q_eff"],
            grammar["seed"],
            data["n_sequences"],
            data["n_test"],
            data["seed"],
        )
    dataset.save(ds, args.out, provenance)
    log(f"wrote {args.out}")


COMMANDS = {"data": ("generate or import the grammar dataset", add_arguments, run)}
