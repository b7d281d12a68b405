"""``diffgen reference-epochs`` and ``diffgen table``: cheap aggregation jobs."""

from __future__ import annotations

import argparse

from .. import tables
from ..atomic import atomic_path, write_json
from ..errors import ConfigError

MODEL = ["n", "split", "seed"]

#: figure -> (builder, the measurement options it reads)
BUILDERS = {
    "fig4a": (lambda t: tables.fig4a(t["nn"], t["loss"]), ("nn", "loss")),
    "fig1b": (
        lambda t: tables.sequential(t["sequential"], t["sample_split"]),
        ("sequential", "sample_split"),
    ),
    "fig6": (
        lambda t: tables.sequential(t["sequential"], t["sample_split"]),
        ("sequential", "sample_split"),
    ),
    "fig3b": (lambda t: tables.fig3b(t["score"]), ("score",)),
    "fig4b": (lambda t: tables.fig4b(t["decomposition"]), ("decomposition",)),
    "fig5": (lambda t: tables.fig5(t["uturn"]), ("uturn",)),
    "figA11": (lambda t: tables.figA11(t["uturn_random"]), ("uturn_random",)),
}

INPUTS = (
    "nn",
    "loss",
    "sequential",
    "sample_split",
    "score",
    "decomposition",
    "uturn",
    "uturn_random",
)


def add_reference_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--loss", nargs="+", required=True, help="loss tables of the models")
    parser.add_argument("--nn", nargs="*", default=[], help="NN-divergence tables (optional)")
    parser.add_argument("--out", required=True, help="JSON with the reference epochs")


def run_reference(args: argparse.Namespace) -> None:
    loss = tables.read_tables(args.loss)
    result = {
        "test_loss_min": tables.minimum_epoch(loss, "test_loss", MODEL),
        "nn_divergence_min": None,
    }
    if args.nn:
        nn = tables.read_tables(args.nn)
        result["nn_divergence_min"] = tables.minimum_epoch(nn, "nn_kl", MODEL)
    write_json(args.out, result)


def add_table_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--figure", required=True, choices=sorted(BUILDERS))
    for name in INPUTS:
        parser.add_argument(f"--{name.replace('_', '-')}", nargs="*", default=[])
    parser.add_argument("--out", required=True)


def run_table(args: argparse.Namespace) -> None:
    builder, needs = BUILDERS[args.figure]
    loaded = {}
    for name in needs:
        paths = getattr(args, name)
        if not paths:
            raise ConfigError(f"table {args.figure} needs --{name.replace('_', '-')} inputs")
        loaded[name] = tables.read_tables(paths)
    table = builder(loaded)
    with atomic_path(args.out) as tmp:
        table.to_csv(tmp, index=False)


COMMANDS = {
    "reference-epochs": (
        "epochs of the test-loss and NN-divergence minima",
        add_reference_arguments,
        run_reference,
    ),
    "table": (
        "aggregate per-model measurements into a figure table",
        add_table_arguments,
        run_table,
    ),
}
