"""Epochs of the test-loss and NN-divergence minima, chosen from the measurements."""

from __future__ import annotations

import argparse

from diffgen.biased.tables import COLUMNS, MODEL
from diffgen.core.atomic import write_json
from diffgen.core.tables import minimum_at, read_tables


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--loss", nargs="+", required=True, help="loss tables of the models")
    parser.add_argument("--nn", nargs="*", default=[], help="NN-divergence tables (optional)")
    parser.add_argument("--out", required=True, help="JSON with the reference epochs")


def run(args: argparse.Namespace) -> None:
    loss = read_tables(args.loss, COLUMNS["loss"])
    result = {"test_loss_min": minimum_at(loss, "test_loss", MODEL), "nn_divergence_min": None}
    if args.nn:
        nn = read_tables(args.nn, COLUMNS["nn"])
        result["nn_divergence_min"] = minimum_at(nn, "nn_kl", MODEL)
    write_json(args.out, result)
