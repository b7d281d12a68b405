"""``diffgen fingerprint``: show a job kind's code fingerprint and the modules behind it."""

from __future__ import annotations

import argparse

from ..fingerprint import closure, code_fingerprint


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("modules", nargs="+", help="entry modules, e.g. diffgen.cli.train")
    parser.add_argument("--exclude", nargs="*", default=[])


def run(args: argparse.Namespace) -> None:
    exclude = tuple(args.exclude)
    print(code_fingerprint(*args.modules, exclude=exclude))
    for name in closure(args.modules, exclude):
        print(f"  {name}")


COMMANDS = {"fingerprint": ("code fingerprint of job entry modules", add_arguments, run)}
