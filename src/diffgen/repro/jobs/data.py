"""Write a study-3 dataset (MoLRG, digits or a user's images): N training rows, held-out rows."""

from __future__ import annotations

import argparse

from diffgen.core import identity
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import add_spec
from diffgen.core.specs import Count, Index, Spec
from diffgen.repro import data
from diffgen.repro.jobspecs import DATASET, MOLRG, OPTIONAL_PATH

SPEC = Spec({"dataset": DATASET, "N": Count, "held_out": Index, "images_path": OPTIONAL_PATH,
             "molrg": MOLRG})  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output dataset (HDF5)")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    if spec["dataset"] == "images" and not spec["images_path"]:
        raise ConfigError("--spec key 'images_path': the images dataset needs a folder or zip")
    data.write(args.out, spec, identity.record("repro", "data", spec))
