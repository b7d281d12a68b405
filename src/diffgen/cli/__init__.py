"""The ``diffgen`` command line: one subcommand per job kind, called by the rules.

Every subcommand takes its inputs and outputs as paths and its settings as a
JSON ``--spec`` (the rule's params), so the rules stay one-line shells and a
job can be rerun by hand from its log's command line. User errors (bad config,
corrupt input) end with one line ``diffgen: <message>`` and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

from ..errors import ConfigError, DiffgenError

#: subcommand -> module in this package defining ``add_arguments`` and ``run``.
COMMANDS = {
    "data": "data",
    "train": "train",
    "loss": "loss",
    "initial-noise": "noise",
    "sample": "sample",
    "nn-divergence": "nn",
    "sequential": "oracle",
    "sample-split": "oracle",
    "score-divergence": "oracle",
    "loss-decomposition": "decomposition",
    "uturn": "uturn",
    "uturn-random": "uturn",
    "reference-epochs": "aggregate",
    "table": "aggregate",
    "plot": "plot",
    "fingerprint": "fingerprint",
}


def spec_argument(text: str) -> dict:
    """Parse the JSON ``--spec`` argument; a malformed one is a ConfigError."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(f"--spec is not valid JSON ({err})") from None
    if not isinstance(value, dict):
        raise ConfigError("--spec must be a JSON object")
    return value


def add_runtime_arguments(parser: argparse.ArgumentParser) -> None:
    """--device and --threads: where a job runs, never part of its result's identity.

    The workflow sets DIFFGEN_DEVICE from the config's ``device`` key.
    """
    parser.add_argument(
        "--device",
        default=os.environ.get("DIFFGEN_DEVICE", "auto"),
        help="auto | cpu | cuda | cuda:N (default: $DIFFGEN_DEVICE or auto)",
    )
    parser.add_argument("--threads", type=int, default=None, help="intra-op CPU threads")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="diffgen", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"{__name__}.{module_name}")
        help_text, add_arguments, _ = module.COMMANDS[name]
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module = importlib.import_module(f"{__name__}.{COMMANDS[args.command]}")
    _, _, run = module.COMMANDS[args.command]
    try:
        run(args)
    except DiffgenError as err:
        print(f"diffgen: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
