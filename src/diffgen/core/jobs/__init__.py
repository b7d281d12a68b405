"""What every job entry point shares: its arguments, its spec, its output table.

A job module (``diffgen/<study>/jobs/<kind>.py``) has a docstring whose first
line is its help, ``add_arguments(parser)`` and ``run(args)``. Inputs and
outputs are paths, settings the typed JSON ``--spec`` (the rule's params).
Where a job runs (device, threads) comes from the environment the workflow
sets, never from the spec, so moving from CPU to GPU reruns nothing.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pandas as pd

from diffgen.core.atomic import atomic_path
from diffgen.core.checks import check_checkpoint_list, spec_key
from diffgen.core.errors import ConfigError, InputFileError
from diffgen.core.specs import Spec


def add_spec(parser: argparse.ArgumentParser, spec: Spec) -> None:
    """--spec: the JSON settings, checked against ``spec`` (one line per problem)."""
    parser.add_argument(
        "--spec", type=spec.parse, required=True, help=f"JSON object: {spec.describe()}"
    )


def add_runtime(parser: argparse.ArgumentParser) -> None:
    """--device and --threads: where a job runs, never part of its result's identity.

    The workflow sets DIFFGEN_DEVICE from the config's ``device`` key.
    """
    parser.add_argument(
        "--device",
        default=os.environ.get("DIFFGEN_DEVICE", "auto"),
        help="auto | cpu | cuda | cuda:N (default: $DIFFGEN_DEVICE or auto)",
    )
    parser.add_argument("--threads", type=int, default=None, help="intra-op CPU threads")


def input_file(path: str, what: str) -> Path:
    """An input path that must be an existing regular file (checked before any work)."""
    candidate = Path(path)
    if not candidate.exists():
        raise InputFileError(f"{candidate}: {what} does not exist")
    if not candidate.is_file():
        raise InputFileError(f"{candidate}: is not a file ({what} expected)")
    return candidate


def write_table(rows: list[dict], out: str | Path, sort: list[str] | None = None) -> None:
    """Write rows as a CSV table (sorted by ``sort``), atomically."""
    frame = pd.DataFrame(rows)
    if sort:
        frame = frame.sort_values(sort, kind="stable")
    with atomic_path(out) as tmp:
        frame.to_csv(tmp, index=False)


def json_object(option: str):
    """An argparse type: a JSON object, or one line naming ``option``."""

    def parse(text: str) -> dict:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as err:
            raise ConfigError(f"{option} is not valid JSON ({err})") from None
        if not isinstance(value, dict):
            raise ConfigError(f"{option} must be a JSON object")
        return value

    return parse


def add_training(parser: argparse.ArgumentParser, unit: str) -> None:
    """--run-dir, --compile, --resume-every-seconds and the runtime options of a training job.

    ``unit`` names the checkpoint files (``epoch``: epoch<E>.pt, ``step``: step<S>.pt).
    """
    parser.add_argument(
        "--run-dir",
        required=True,
        help=f"output directory: {unit}<N>.pt for every checkpoint of the spec, train_log.csv,"
        " and .work/ (resume state, staged outputs)",
    )
    parser.add_argument(
        "--compile",
        choices=("auto", "on", "off"),
        default=os.environ.get("DIFFGEN_COMPILE", "auto"),
        help="torch.compile: auto = CUDA only (default: $DIFFGEN_COMPILE or auto)",
    )
    parser.add_argument(
        "--resume-every-seconds",
        type=float,
        default=float(os.environ.get("DIFFGEN_RESUME_EVERY_SECONDS", "600")),
        help="seconds between resume states (default: $DIFFGEN_RESUME_EVERY_SECONDS or 600)",
    )
    add_runtime(parser)


def check_checkpoints(checkpoints: list[int], total: int, unit: str) -> None:
    """A training spec's checkpoints: at least one, ascending, in 1..total (see core.checks)."""
    check_checkpoint_list(checkpoints, total, spec_key(), unit)


def run_options(args: argparse.Namespace):
    """The device and run options of a training job (compile on CUDA when 'auto')."""
    from diffgen.core.device import runtime_device
    from diffgen.core.training import RunOptions

    device = runtime_device(args)
    compile_model = args.compile == "on" or (args.compile == "auto" and device.type == "cuda")
    return RunOptions(
        device=device, resume_every_seconds=args.resume_every_seconds, compile=compile_model
    )
