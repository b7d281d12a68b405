"""``diffgen initial-noise``: the shared initial noise x_T of the samplers.

Its own job kind (and module) so that its code fingerprint does not include
the network: editing the model never redraws x_T.
"""

from __future__ import annotations

import argparse

from ..sampler import initial_noise
from ..samples import save_initial_noise
from . import spec_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--spec", type=spec_argument, required=True, help="JSON: rows, length, q, seed"
    )
    parser.add_argument("--out", required=True)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    x_T = initial_noise(spec["seed"], spec["rows"], (spec["length"], spec["q"]))
    save_initial_noise(args.out, x_T.numpy(), {"spec": spec})


COMMANDS = {"initial-noise": ("draw the shared initial noise x_T", add_arguments, run)}
