"""Shared fixtures: the small CPU preset, run once per test session."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from diffgen.core.config import load_schema, merge, validate

ROOT = Path(__file__).resolve().parents[1]
SMALL_RESULTS = ROOT / "results" / "small" / "biased"
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


#: Study 1's controlled-setting figures (the grammar part).
GRAMMAR_FIGURES = ("fig1b", "fig3b", "fig4a", "fig4b", "fig5", "fig6", "figA11")


def workflow_config(*presets: str, study: str | None = None) -> dict:
    """config.yaml merged with ``presets`` (paths under the repo), checked as the workflow does.

    With ``study``, that study's section is checked too (defaults filled in) and returned.
    """
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    for preset in presets:
        config = merge(config, yaml.safe_load((ROOT / preset).read_text()))
    validate(config, load_schema(ROOT / "workflow" / "schemas" / "config.schema.yaml"))
    if study is None:
        return config
    section = config.setdefault(study, {})
    validate(section, load_schema(ROOT / "workflow" / "studies" / study / "schema.yaml"), study)
    return section


@pytest.fixture(scope="session")
def small_preset_results() -> Path:
    """Run (or bring up to date) study 1's grammar figures of the small preset in the repo.

    Snakemake skips what is already up to date, so this is cheap after the
    first run. Returns results/small/biased.
    """
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    result = subprocess.run(
        [*snakemake_command(), "--profile", "profiles/small", *GRAMMAR_FIGURES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        pytest.fail(f"small preset failed:\n{result.stderr[-4000:]}")
    return SMALL_RESULTS


@pytest.fixture(scope="session")
def tiny_workflow(tmp_path_factory) -> Path:
    """A copy of the workflow with the tiny Fig 4(a) of tests/tiny.py run and up to date.

    Tests may change it, and must put back what they change.
    """
    from tiny import copy_tiny_workflow, run_target, would_rerun

    workdir = copy_tiny_workflow(tmp_path_factory.mktemp("tiny") / "workflow")
    run_target(workdir, "fig4a")
    assert would_rerun(workdir) == {}
    return workdir
