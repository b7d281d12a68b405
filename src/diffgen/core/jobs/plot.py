"""Draw one figure (PDF and PNG) from its table (any study)."""

from __future__ import annotations

import argparse

from diffgen.core.errors import InputFileError
from diffgen.core.figures.style import heading
from diffgen.core.jobs import json_object
from diffgen.core.registry import resolve
from diffgen.core.tables import read_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plotter", required=True, help="module:function drawing the figure")
    parser.add_argument("--table", required=True)
    parser.add_argument("--pdf", required=True)
    parser.add_argument("--png", required=True)
    parser.add_argument("--style", default=None, help="matplotlib style sheet")
    parser.add_argument(
        "--options", type=json_object("--options"), default={}, help="JSON: figure settings"
    )
    parser.add_argument(
        "--heading", default="", help="figure title: the paper figure (and the preset if not paper)"
    )


def run(args: argparse.Namespace) -> None:
    plot = resolve(args.plotter)
    table = read_table(args.table)
    try:
        with heading(args.heading):
            plot(table, args.pdf, args.png, style=args.style, options=args.options)
    except InputFileError as err:  # the plotter's table checks: name the file
        raise InputFileError(f"{args.table}: {err}") from None
