"""Draw the shared latents z_i (seed first_seed + i, CPU generators) once for every model."""

from __future__ import annotations

import argparse

from diffgen.core import hdf5, identity
from diffgen.core.jobs import add_spec
from diffgen.core.specs import Count, Index, Spec
from diffgen.images.edm.sampler import per_seed_latents

SPEC = Spec({"shape": [Count], "count": Count, "first_seed": Index})
KIND = "repro_latents"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output latents (HDF5)")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    seeds = range(spec["first_seed"], spec["first_seed"] + spec["count"])
    z = per_seed_latents(seeds, tuple(spec["shape"])).numpy()
    record = identity.record("repro", "latents", spec)
    hdf5.write(args.out, KIND, {"z": z}, {"spec": spec}, identity=record)
