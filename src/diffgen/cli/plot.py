"""``diffgen plot``: draw one figure from its table (PDF and PNG)."""

from __future__ import annotations

import argparse

from ..tables import read_tables


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--figure", required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--pdf", required=True)
    parser.add_argument("--png", required=True)
    parser.add_argument("--style", default=None, help="matplotlib style sheet")


def run(args: argparse.Namespace) -> None:
    from ..figures import PLOTTERS

    PLOTTERS[args.figure](read_tables([args.table]), args.pdf, args.png, style=args.style)


COMMANDS = {"plot": ("draw a figure from its table", add_arguments, run)}
