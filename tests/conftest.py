"""Shared fixtures and helpers: workflow copies, configs, the tiny study-1 run."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from diffgen.core.config import load_schema, merge, validate
from diffgen.core.torchio import load_torch

ROOT = Path(__file__).resolve().parents[1]
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


def paper_settings(study: str, *path: str) -> dict:
    """The part at ``path`` of ``study``'s section at paper scale (config.yaml, schema
    defaults filled in): tests build the paper's model or schedule from it, never restate it."""
    section = workflow_config(study=study)
    for key in path:
        section = section[key]
    return section


def paper_transformer():
    """Study 1's paper transformer, as config.yaml and the schema state it."""
    from diffgen.biased.network import transformer_config

    return transformer_config(paper_settings("biased"))


def paper_unet():
    """Study 1's paper CelebA U-Net, as config.yaml and the schema state it."""
    from diffgen.biased.faces.config import unet_config

    return unet_config(paper_settings("biased", "faces"))


def paper_ddpm(T: int | None = None):
    """Study 1's paper CelebA DDPM schedule (at ``T`` steps instead of the paper's, if given)."""
    from diffgen.images.ddpm import EpsDDPM

    diffusion = paper_settings("biased", "faces", "diffusion")
    return EpsDDPM.linear(T or diffusion["T"], diffusion["beta_start"], diffusion["beta_end"])


@pytest.fixture(scope="session")
def tiny_workflow(tmp_path_factory) -> Path:
    """A copy of the workflow with study 1's controlled-setting figures run on the tiny
    config of tests/tiny.py, up to date. Tests may change it, and must put back what
    they change (or leave Fig 4(a) up to date, the target the rerun tests plan).
    """
    from tiny import copy_tiny_workflow, run_target, would_rerun

    workdir = copy_tiny_workflow(tmp_path_factory.mktemp("tiny") / "workflow")
    run_target(workdir, *GRAMMAR_FIGURES)
    assert would_rerun(workdir, *GRAMMAR_FIGURES) == {}
    return workdir


def kill_during_training(
    command: list[str], run_dir: Path, at_least: int, before: int, timeout: float = 300
) -> int | None:
    """Start a training ``command`` and SIGKILL it once its resume state in
    ``run_dir/.work`` is at a position in [at_least, before); return that position
    (None if the run ended or timed out first)."""
    state = run_dir / ".work" / "state.pt"
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed_at, deadline = None, time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            position = load_torch(state, what="resume state")["position"] if state.exists() else 0
        except Exception:  # a state being replaced, or a completion record
            position = 0
        if at_least <= position < before:
            os.kill(proc.pid, signal.SIGKILL)
            killed_at = position
            break
        time.sleep(0.02)
    proc.wait()
    return killed_at
