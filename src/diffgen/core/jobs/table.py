"""Aggregate per-model measurement tables into one figure table (any study).

The builder (``--builder module:function``) reads the named inputs with their
required columns; a missing column, a non-numeric value or an unreadable file
stops the job with one line naming the file, so no figure is drawn from a
partial table.
"""

from __future__ import annotations

import argparse

from diffgen.core.atomic import atomic_path
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import json_object
from diffgen.core.registry import resolve


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--builder", required=True, help="module:function building the table")
    parser.add_argument(
        "--input",
        nargs="+",
        action="append",
        default=[],
        metavar=("KIND", "PATH"),
        help="a kind of input table and its files (repeatable)",
    )
    parser.add_argument(
        "--options", type=json_object("--options"), default={}, help="JSON: figure settings"
    )
    parser.add_argument("--out", required=True)


def run(args: argparse.Namespace) -> None:
    inputs: dict[str, list[str]] = {}
    for kind, *paths in args.input:
        if not paths:
            raise ConfigError(f"--input {kind} names no files")
        inputs.setdefault(kind, []).extend(paths)
    table = resolve(args.builder)(inputs, args.options)
    with atomic_path(args.out) as tmp:
        table.to_csv(tmp, index=False)
