"""Estimate what targets cost at paper scale: jobs, GPU-hours, CPU-hours, disk.

Reads the DAG Snakemake plans for the targets (``snakemake -n --forceall``, so
nothing already built is subtracted) and sums, per target, each job's
requested runtime: GPU jobs (``resources: gpu``) give GPU-hours, the others
CPU-hours (runtime x threads). The requests are the rules' own sizing, derived
from the config's throughput settings (e.g. ``biased.cluster.
train_sequences_per_minute``, the CPU benchmarks scaled by FLOP counts) and
padded for safety: they are estimates, upper bounds until a GPU has measured the
jobs. ``--minutes RULE=M`` replaces a rule's estimate by a measured time. Disk is
what the planned outputs already take where they exist (0 for a fresh clone).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from diffgen.core.errors import ConfigError

RULE_LINE = re.compile(r"^(?:local)?(?:checkpoint|rule) (\S+):$")


@dataclass
class Job:
    """One planned job, as the dry run prints it."""

    rule: str
    outputs: list[str] = field(default_factory=list)
    resources: dict[str, str] = field(default_factory=dict)
    threads: int = 1

    @property
    def gpu(self) -> bool:
        return int(self.resources.get("gpu", 0) or 0) > 0

    @property
    def minutes(self) -> float:
        return float(self.resources.get("runtime", 0) or 0)


def parse_dry_run(text: str) -> list[Job]:
    """The jobs of a ``snakemake -n`` printout (rule, outputs, resources, threads)."""
    jobs: list[Job] = []
    for line in text.splitlines():
        match = RULE_LINE.match(line.strip()) if not line.startswith(" ") else None
        if match:
            jobs.append(Job(match.group(1)))
            continue
        if not jobs or not line.startswith("    "):
            continue
        key, _, value = line.strip().partition(": ")
        if key == "output":
            jobs[-1].outputs = value.split(", ")
        elif key == "threads":
            jobs[-1].threads = int(value)
        elif key == "resources":
            for item in value.split(", "):
                name, _, amount = item.partition("=")
                jobs[-1].resources[name] = amount
    return jobs


@dataclass
class Cost:
    """The sums over one target's jobs."""

    jobs: int = 0
    gpu_jobs: int = 0
    gpu_hours: float = 0.0
    cpu_hours: float = 0.0
    disk_bytes: int = 0


def total(jobs: list[Job], minutes: dict[str, float], root: Path) -> Cost:
    """Sum jobs: GPU-hours of GPU jobs, CPU-hours (x threads) of the rest, existing bytes."""
    cost = Cost()
    for job in jobs:
        hours = minutes.get(job.rule, job.minutes) / 60
        cost.jobs += 1
        if job.gpu:
            cost.gpu_jobs += 1
            cost.gpu_hours += hours
        else:
            cost.cpu_hours += hours * job.threads
        for output in job.outputs:
            path = root / output
            if path.is_file():
                cost.disk_bytes += path.stat().st_size
    return cost


def dry_run(root: Path, target: str, extra: list[str]) -> str:
    """The dry-run printout of everything ``target`` needs, from scratch."""
    command = [sys.executable, "-m", "snakemake", "-n", "--forceall", target, *extra]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        raise ConfigError(f"snakemake -n {target}: {lines[-1] if lines else 'failed'}")
    return result.stdout + result.stderr


def checkout(start: Path) -> Path:
    """The workflow checkout: ``start`` or a folder above it holding a Snakefile."""
    for folder in (start, *start.parents):
        if (folder / "Snakefile").is_file():
            return folder
    raise ConfigError(f"no Snakefile in {start} or above it (run in the checkout, or --directory)")


def _size(nbytes: int) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if nbytes < 1000 or unit == "TB":
            return f"{nbytes:.0f} {unit}" if unit == "B" else f"{nbytes:.1f} {unit}"
        nbytes /= 1000
    raise AssertionError("unreachable")


def table(rows: list[tuple[str, Cost]]) -> str:
    """A markdown table, one row per target."""
    lines = [
        "| target | jobs | GPU jobs | GPU-hours (est.) | CPU-hours (est.) | disk now |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for target, cost in rows:
        lines.append(
            f"| `{target}` | {cost.jobs:,} | {cost.gpu_jobs:,} | {cost.gpu_hours:,.0f} "
            f"| {cost.cpu_hours:,.1f} | {_size(cost.disk_bytes)} |"
        )
    return "\n".join(lines)


def _minutes(items: list[str]) -> dict[str, float]:
    minutes = {}
    for item in items:
        rule, _, value = item.partition("=")
        try:
            minutes[rule] = float(value)
        except ValueError:
            raise ConfigError(f"--minutes {item}: expected RULE=MINUTES") from None
    return minutes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="+", help="Snakemake targets, e.g. fig4a rhm all")
    parser.add_argument(
        "--directory", type=Path, default=None, help="the checkout (default: found from here)"
    )
    parser.add_argument(
        "--configfile", nargs="+", default=[], help="config files (default: config.yaml)"
    )
    parser.add_argument(
        "--minutes",
        nargs="*",
        default=[],
        metavar="RULE=M",
        help="measured minutes per job of a rule, replacing its requested runtime",
    )


def run(args: argparse.Namespace) -> None:
    root = checkout((args.directory or Path.cwd()).resolve())
    extra = ["--configfile", *args.configfile] if args.configfile else []
    minutes = _minutes(args.minutes)
    rows = []
    for target in args.targets:
        rows.append((target, total(parse_dry_run(dry_run(root, target, extra)), minutes, root)))
    print(table(rows))
    print(
        "\nEstimates: each job's requested runtime (the rules' sizing from the config's "
        "throughput settings, padded), summed; upper bounds until a GPU has measured them "
        "(--minutes RULE=M replaces one). Disk: what the planned outputs take now."
    )
