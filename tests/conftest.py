"""Shared fixtures: the small CPU preset, run once per test session."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMALL_RESULTS = ROOT / "results" / "small"
#: What a copy of the workflow needs (results/ and .snakemake/ stay behind).
WORKFLOW_PARTS = ("Snakefile", "config.yaml", "workflow", "resources", "profiles", "src", "envs")


def copy_workflow(destination: Path) -> Path:
    """Copy the workflow's sources into ``destination`` (no results, no .snakemake state)."""
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".snakemake")
    for part in WORKFLOW_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(source, destination / part)
    return destination


def snakemake_command() -> list[str]:
    """The snakemake of this interpreter's environment."""
    return [sys.executable, "-m", "snakemake"]


@pytest.fixture(scope="session")
def small_preset_results() -> Path:
    """Run (or bring up to date) `snakemake --profile profiles/small all` in the repo.

    Snakemake skips what is already up to date, so this is cheap after the
    first run. Returns results/small.
    """
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    result = subprocess.run(
        [*snakemake_command(), "--profile", "profiles/small", "all"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        pytest.fail(f"small preset failed:\n{result.stderr[-4000:]}")
    return SMALL_RESULTS
