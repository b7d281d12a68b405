"""A tiny copy of the workflow (study 1's controlled-setting figures, smaller than the
small preset) and helpers to run Snakemake in it: shared by the end-to-end, report,
rerun and bad-input tests of study 1."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import copy_workflow, snakemake_command

from diffgen.biased.checkpoints import checkpoint_epochs

CONFIGS = ("config.yaml", "resources/presets/small.yaml", "tiny.yaml")

#: The small preset, smaller still: one size, 2 seeds, 3 checkpoints, few sequences.
SEEDS, EPOCHS = 2, 40
#: The checkpoint epochs of the tiny run: 3, log-spaced from 5 (the last is 39, float32).
CHECKPOINTS = tuple(checkpoint_epochs(EPOCHS, 3, 5))
LAST = CHECKPOINTS[-1]
TINY = {
    "results": "results/tiny",
    "biased": {
        "data": {"n_sequences": 1024, "n_test": 512},
        "training": {
            "seeds": SEEDS,
            "n_checkpoints": len(CHECKPOINTS),
            "first_checkpoint": CHECKPOINTS[0],
            "runs": [{"n": 64, "epochs": EPOCHS}],
        },
        "evaluation": {"loss_sequences": 128},
        "sample_split": {"same_split_pairs": 1},
        "sequential": {"critical": {"seeds": SEEDS, "n_sequences": 64, "reps": 1}},
        "figures": {
            "fig1b": {"sizes": [64]},
            "fig6": {"sizes": [64]},
            "fig3b": {"sizes": [64], "seeds": SEEDS, "n_sequences": 64, "reps": 1},
            "fig4a": {"sizes": [64], "seeds": SEEDS, "n_samples": 256},
            "fig4b": {"sizes": [64], "seeds": SEEDS, "n_sequences": 64},
            "fig5": {"sizes": [64], "seeds": SEEDS, "n_sequences": 32, "reps": 2},
            "figA11": {
                "sizes": [64],
                "seeds": SEEDS,
                "n_sequences": 32,
                "reps": 2,
                "empirical_size": 32,
            },
        },
    },
}

#: Jobs of the tiny `fig4a` target, by rule.
TRAINING = {"biased_train_n64": SEEDS}
DOWNSTREAM_OF_TRAINING = {
    "biased_test_loss": SEEDS,
    "biased_sample_bank": SEEDS * len(CHECKPOINTS),
    "biased_nn_divergence": SEEDS,
    "biased_table_fig4a": 1,
    "biased_plot_fig4a": 1,
    "fig4a": 1,
}
FROM_NN_DIVERGENCE = {
    "biased_nn_divergence": SEEDS,
    "biased_table_fig4a": 1,
    "biased_plot_fig4a": 1,
    "fig4a": 1,
}
PLOT_ONLY = {"biased_plot_fig4a": 1, "fig4a": 1}
SRC = ("src", "diffgen")

SLOW_TIMEOUT = 1800  # seconds for a run (other jobs may share the CPUs)
DRY_TIMEOUT = 600


# -- helpers ------------------------------------------------------------------


def copy_tiny_workflow(destination: Path) -> Path:
    """A copy of the workflow (sources only) with the tiny config next to it."""
    copy_workflow(destination)
    (destination / "tiny.yaml").write_text(yaml.safe_dump(TINY))
    return destination


def snakemake(
    workdir: Path, *args: str, configs=CONFIGS, env=None, timeout=DRY_TIMEOUT
) -> subprocess.CompletedProcess:
    """``snakemake <args> --profile profiles/small --configfile <configs>`` in ``workdir``."""
    command = [
        *snakemake_command(),
        *args,
        "--profile",
        "profiles/small",
        "--cores",
        "2",
        "--configfile",
        *configs,
    ]
    environment = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
    return subprocess.run(
        command,
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_target(workdir: Path, *args: str, env=None) -> subprocess.CompletedProcess:
    """Run ``snakemake <args>`` (targets first) and fail the test if it fails."""
    result = snakemake(workdir, *args, env=env, timeout=SLOW_TIMEOUT)
    if result.returncode != 0:
        output = result.stdout[-3000:] + result.stderr[-6000:]
        pytest.fail(f"snakemake {' '.join(args)} failed in {workdir}:\n{output}")
    return result


def parse_job_counts(output: str) -> dict[str, int]:
    """Jobs per rule from Snakemake's "Job stats" table ({} if nothing is to be done)."""
    if "Nothing to be done" in output:
        return {}
    lines = output.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Job stats:")
    except StopIteration:
        raise AssertionError(f"no job stats in snakemake output:\n{output[-4000:]}") from None
    rows = iter(lines[start + 1 :])
    for line in rows:  # header ("job count"), then a rule of dashes
        if re.fullmatch(r"-+\s+-+", line.strip()):
            break
    counts: dict[str, int] = {}
    for line in rows:
        fields = line.split()
        if len(fields) != 2 or fields[0] == "total":
            break
        counts[fields[0]] = int(fields[1])
    return counts


def dry_run(workdir: Path, *targets: str, configs=CONFIGS) -> tuple[dict[str, int], str]:
    """Jobs per rule that ``snakemake --dry-run <targets>`` would run now, and its output."""
    targets = targets or ("fig4a",)
    result = snakemake(workdir, *targets, "--dry-run", "--quiet", "rules", configs=configs)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return parse_job_counts(result.stdout), result.stdout


def would_rerun(workdir: Path, *targets: str, configs=CONFIGS) -> dict[str, int]:
    return dry_run(workdir, *targets, configs=configs)[0]
