"""Draw the shared initial noise x_T of the samplers.

Its own job kind (and module) so that its code fingerprint does not include
the network: editing the model never redraws x_T.
"""

from __future__ import annotations

import argparse

from diffgen.biased.samples import save_initial_noise
from diffgen.core import identity
from diffgen.core.jobs import add_spec
from diffgen.core.seeding import initial_noise
from diffgen.core.specs import Count, Index, Spec

SPEC = Spec({"rows": Count, "length": Count, "q": Count, "seed": Index})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    x_T = initial_noise(spec["seed"], spec["rows"], (spec["length"], spec["q"]))
    record = identity.record("biased", "initial-noise", spec)
    save_initial_noise(args.out, x_T.numpy(), {"spec": spec}, record)
