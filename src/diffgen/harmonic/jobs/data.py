"""One part of a dataset: the test set T, or split S_A(N) / S_B(N) of the pool."""

from __future__ import annotations

import argparse

from diffgen.core import identity
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import add_spec, input_file
from diffgen.core.specs import Choice, Count, Index, Spec
from diffgen.harmonic import datasets, generators
from diffgen.harmonic.jobspecs import DATASET

SPEC = Spec(
    {
        "dataset": DATASET,
        "L": Count,
        "seed": Index,
        "part": Choice("test", "A", "B"),
        "n": Count,
        "pool": Count,
    }
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pool", default=None, help="image pool of a finite dataset (HDF5)")
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="images (HDF5)")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    kind, L = spec["dataset"], spec["L"]
    finite = kind["name"] in ("digits", "celeba")
    if finite and args.pool is None:
        raise ConfigError(f"dataset '{kind['name']}' needs --pool")
    source = None
    if finite:
        identity.expect(input_file(args.pool, "image pool"), "harmonic", "pool", name=kind["name"])
        source = datasets.load(args.pool)[0]
    if source is not None and source.shape[-1] != L:
        raise ConfigError(
            f"--spec key 'L': {L}, but {args.pool} holds {source.shape[-1]}-pixel images"
        )
    x = datasets.images(kind, L, spec["seed"], spec["part"], spec["n"], spec["pool"], source)
    theta = None
    if kind["name"] == "disc":
        stream = datasets.TEST if spec["part"] == "test" else datasets.POOL
        start = 0 if spec["part"] != "B" else spec["pool"] - spec["n"]
        theta = generators.disc_rows(L, spec["seed"], stream, start, start + spec["n"])
    datasets.save(args.out, x, {"spec": spec}, theta, identity.record("harmonic", "data", spec))
