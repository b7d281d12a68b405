"""Build the face dataset: synthetic faces or an img_align_celeba folder, split and centred."""

from __future__ import annotations

import argparse

from diffgen.biased.faces.data import build
from diffgen.core import identity
from diffgen.core.jobs import add_spec
from diffgen.core.progress import log
from diffgen.core.seeding import array_digest, config_hash
from diffgen.core.specs import Count, Index, Spec
from diffgen.images import dataset

SPEC = Spec(
    {
        "data": {"path": str, "size": Count, "seed": Index},
        "splits": Count,
        "n": Count,
        "n_test": Count,
    }
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output HDF5 image dataset")


def run(args: argparse.Namespace) -> None:
    images, extras = build(args.spec)
    provenance = {
        "config_hash": config_hash(args.spec),
        "spec": args.spec,
        "digest": array_digest(images.train, images.test),
        **extras,
    }
    dataset.save(images, args.out, provenance, identity.record("biased", "faces-data", args.spec))
    log(f"wrote {args.out}: mean pixel {images.attrs['mean']:.4f}")
