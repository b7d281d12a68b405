"""Shared fixtures: the small CPU preset, run once per test session."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMALL_RESULTS = ROOT / "results" / "small"


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
