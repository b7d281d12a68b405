"""Generate (or import) the grammar dataset."""

from __future__ import annotations

import argparse

from diffgen.biased import dataset
from diffgen.core import identity
from diffgen.core.checks import spec_key
from diffgen.core.jobs import add_spec
from diffgen.core.progress import log
from diffgen.core.seeding import config_hash
from diffgen.core.specs import Count, Index, Range, Spec

SPEC = Spec(
    {
        "grammar": {
            "q": Range(int, 2, 127), "l": Range(int, 1, 10), "sigma": Range(float, 0.0),
            "q_eff": Count, "seed": Index,
        },
        "data": {"n_sequences": Count, "n_test": Count, "seed": Index, "import_path": str},
    },
    lambda spec: dataset.check_pool_memory(spec["grammar"]["l"], spec["data"], spec_key("data.")),
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output HDF5 file")


def run(args: argparse.Namespace) -> None:
    grammar, data = args.spec["grammar"], args.spec["data"]
    provenance = {"config_hash": config_hash(args.spec), "spec": args.spec}
    if data["import_path"]:
        log(f"importing reference dataset {data['import_path']}")
        ds = dataset.import_reference(data["import_path"], data["n_test"])
    else:
        log(f"generating {data['n_sequences']:,} training and {data['n_test']:,} test sequences")
        ds = dataset.generate(
            grammar["q"], grammar["l"], grammar["sigma"], grammar["q_eff"], grammar["seed"],
            data["n_sequences"], data["n_test"], data["seed"],
        )  # fmt: skip
    dataset.save(ds, args.out, provenance, identity.record("biased", "data", args.spec))
    log(f"wrote {args.out}")
