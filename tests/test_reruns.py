"""Precise reruns: a library edit or a config change reruns exactly the affected jobs.

Every rule carries ``params: code=code(...)``, the fingerprint of the diffgen
modules its job imports, read from the checkout the workflow lives in. The
workflow tests copy the workflow to a temporary directory, run a tiny Fig 4(a)
there, edit the copy and ask ``snakemake --dry-run`` which jobs would rerun.
The cache test runs two copies sharing one SNAKEMAKE_OUTPUT_CACHE.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_workflow, snakemake_command

from diffgen.core.fingerprint import closure, code_fingerprint

CONFIGS = ("config.yaml", "resources/presets/small.yaml", "tiny.yaml")

#: Fig 4(a) of the small preset, smaller still: one size, 2 seeds, 3 checkpoints.
SEEDS, EPOCHS, CHECKPOINTS = 2, 40, (5, 14, 40)
TINY = {
    "results": "results/tiny",
    "data": {"n_sequences": 1024, "n_test": 512},
    "training": {
        "seeds": SEEDS,
        "n_checkpoints": len(CHECKPOINTS),
        "first_checkpoint": CHECKPOINTS[0],
        "runs": [{"n": 64, "epochs": EPOCHS}],
    },
    "evaluation": {"loss_sequences": 128},
    "sample_split": {"pairs": 1},
    "figures": {
        **{
            name: {"sizes": [64], "seeds": SEEDS}
            for name in ("fig1b", "fig3b", "fig4b", "fig5", "fig6", "figA11")
        },
        "fig4a": {"sizes": [64], "seeds": SEEDS, "n_samples": 256},
    },
}

#: Jobs of the tiny `fig4a` target, by rule.
TRAINING = {"train_n64": SEEDS}
DOWNSTREAM_OF_TRAINING = {
    "test_loss": SEEDS,
    "sample_bank": SEEDS * len(CHECKPOINTS),
    "nn_divergence": SEEDS,
    "figure_table": 1,
    "plot_fig4a": 1,
    "fig4a": 1,
}
FROM_NN_DIVERGENCE = {"nn_divergence": SEEDS, "figure_table": 1, "plot_fig4a": 1, "fig4a": 1}
PLOT_ONLY = {"plot_fig4a": 1, "fig4a": 1}

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


def params_changed(output: str) -> set[str]:
    """Rules listed under "params have changed" in a dry run's "Reasons" summary."""
    match = re.search(r"params have changed since last execution:\n\s+(.+)", output)
    return set(match.group(1).replace(",", " ").split()) if match else set()


@contextmanager
def edited(path: Path, change: Callable[[str], str]) -> Iterator[None]:
    """Apply ``change`` to a file's text for the duration of the block."""
    original = path.read_text()
    changed = change(original)
    assert changed != original, f"edit of {path} changed nothing"
    path.write_text(changed)
    try:
        yield
    finally:
        path.write_text(original)


def add_function(text: str) -> str:
    """A real code change: a new module-level function."""
    return text + "\n\ndef _rerun_probe():\n    return 1\n"


def add_comment_and_blank_lines(text: str) -> str:
    """Not a code change: comments and extra blank lines between definitions."""
    assert "\n\n\ndef " in text, "the module must have a top-level function"
    text = text.replace("\n\n\ndef ", "\n\n\n# an added comment\n\n\n\ndef ", 1)
    return text + "\n# a trailing comment\n"


def edit_module_docstring(text: str) -> str:
    """Not a code change: the module docstring reworded."""
    assert text.startswith('"""') and ast.get_docstring(ast.parse(text)), "needs a docstring"
    return text.replace('"""', '"""Reworded docstring. ', 1)


# -- fingerprints (fast) ------------------------------------------------------


@pytest.fixture()
def package_copy(tmp_path: Path) -> Path:
    """A copy of the diffgen package sources (src/diffgen)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    return Path(shutil.copytree(ROOT / "src" / "diffgen", tmp_path / "diffgen", ignore=ignore))


NN_JOB = ("diffgen.cli.nn",)
PLOT_JOB = ("diffgen.cli.plot", "diffgen.figures.fig4a")
PLOT_EXCLUDE = ("diffgen.figures",)


def test_fingerprint_reads_the_given_root_not_the_installed_package(package_copy):
    main_root = ROOT / "src" / "diffgen"
    same = code_fingerprint(*NN_JOB, root=package_copy)
    assert same == code_fingerprint(*NN_JOB, root=main_root), "paths must not enter the hash"
    nearest = package_copy / "metrics" / "nearest.py"
    nearest.write_text(add_function(nearest.read_text()))
    assert code_fingerprint(*NN_JOB, root=package_copy) != same
    assert code_fingerprint(*NN_JOB, root=main_root) == same
    plot = code_fingerprint(*PLOT_JOB, exclude=PLOT_EXCLUDE, root=package_copy)
    assert plot == code_fingerprint(*PLOT_JOB, exclude=PLOT_EXCLUDE, root=main_root)


def test_comments_docstrings_and_formatting_are_not_changes(package_copy):
    before = code_fingerprint(*NN_JOB, root=package_copy)
    nearest = package_copy / "metrics" / "nearest.py"
    nearest.write_text(edit_module_docstring(add_comment_and_blank_lines(nearest.read_text())))
    assert code_fingerprint(*NN_JOB, root=package_copy) == before


def test_closure_follows_imports_and_exclude():
    nn = closure(list(NN_JOB))
    assert "diffgen.metrics.nearest" in nn
    assert not any(name.startswith("diffgen.figures") for name in nn)
    plot = closure(list(PLOT_JOB), PLOT_EXCLUDE)
    assert "diffgen.figures.fig4a" in plot
    assert "diffgen.figures.fig1b" not in plot  # other figures are not this plot's code


def test_fingerprint_cli_takes_a_root(package_copy):
    command = [sys.executable, "-m", "diffgen.cli", "fingerprint", *NN_JOB]
    shown = subprocess.run(
        [*command, "--root", str(package_copy)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown[0] == code_fingerprint(*NN_JOB, root=package_copy)
    assert "diffgen.metrics.nearest" in shown[1:]
    bad = subprocess.run(
        [*command, "--root", str(package_copy.parent)], capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("diffgen: ")


def test_dry_run_parsers():
    output = (
        "Building DAG of jobs...\nJob stats:\njob              count\n"
        "-------------  -------\nnn_divergence        2\nplot_fig4a           1\n"
        "total                3\n\nReasons:\n"
    )
    assert parse_job_counts(output) == {"nn_divergence": 2, "plot_fig4a": 1}
    assert parse_job_counts("Nothing to be done (all requested files are present).") == {}
    reasons = (
        "Reasons:\n    input files updated by another job:\n        fig4a, plot_fig4a\n"
        "    params have changed since last execution:\n        nn_divergence, test_loss\n"
    )
    assert params_changed(reasons) == {"nn_divergence", "test_loss"}


# -- the workflow: edits in a copy, then a dry run (slow) ---------------------


@pytest.fixture(scope="module")
def tiny_workflow(tmp_path_factory) -> Path:
    """A copy of the workflow with the tiny Fig 4(a) run and up to date."""
    workdir = copy_tiny_workflow(tmp_path_factory.mktemp("reruns") / "workflow")
    run_target(workdir, "fig4a")
    assert would_rerun(workdir) == {}
    return workdir


@pytest.mark.slow
def test_figure_module_edit_reruns_only_its_plot(tiny_workflow):
    with edited(tiny_workflow / "src/diffgen/figures/fig4a.py", add_function):
        counts, output = dry_run(tiny_workflow)
    assert counts == PLOT_ONLY
    assert params_changed(output) == {"plot_fig4a"}  # the code param is the cause
    assert would_rerun(tiny_workflow) == {}


@pytest.mark.slow
def test_metric_edit_reruns_the_measurement_table_and_plot(tiny_workflow):
    with edited(tiny_workflow / "src/diffgen/metrics/nearest.py", add_function):
        counts, output = dry_run(tiny_workflow)
    assert counts == FROM_NN_DIVERGENCE  # no training, no sampling
    assert params_changed(output) == {"nn_divergence"}


@pytest.mark.slow
def test_network_edit_reruns_training_and_everything_downstream(tiny_workflow):
    with edited(tiny_workflow / "src/diffgen/network.py", add_function):
        counts, output = dry_run(tiny_workflow)
    # Jobs already due to updated inputs need not be listed under a params change.
    assert "train_n64" in params_changed(output)
    # initial_noise shares its CLI module (diffgen.cli.sample, which imports the
    # sampler and so the network) with sampling; it may rerun too, harmlessly.
    counts.pop("initial_noise", None)
    assert counts == {**TRAINING, **DOWNSTREAM_OF_TRAINING}
    assert "grammar_data" not in counts


@pytest.mark.slow
def test_comment_docstring_and_formatting_edits_rerun_nothing(tiny_workflow):
    src = tiny_workflow / "src" / "diffgen"
    with (
        edited(src / "network.py", add_comment_and_blank_lines),
        edited(src / "training.py", edit_module_docstring),
        edited(src / "metrics" / "nearest.py", add_comment_and_blank_lines),
        edited(src / "figures" / "fig4a.py", edit_module_docstring),
    ):
        assert would_rerun(tiny_workflow) == {}


@pytest.mark.slow
def test_a_result_config_value_reruns_exactly_its_jobs(tiny_workflow):
    extra = tiny_workflow / "kl_floor.yaml"
    extra.write_text(yaml.safe_dump({"figures": {"fig4a": {"kl_floor": 1.0e-6}}}))
    counts, output = dry_run(tiny_workflow, configs=(*CONFIGS, extra.name))
    assert counts == FROM_NN_DIVERGENCE
    assert params_changed(output) == {"nn_divergence"}


@pytest.mark.slow
def test_runtime_settings_rerun_nothing(tiny_workflow):
    extra = tiny_workflow / "runtime.yaml"
    runtime = {
        "device": "auto",
        "compile": "off",
        "threads": {"gpu_job": 2, "cpu_job": 2},
        "training": {"resume_every_seconds": 99},
    }
    extra.write_text(yaml.safe_dump(runtime))
    assert would_rerun(tiny_workflow, configs=(*CONFIGS, extra.name)) == {}


# -- the between-workflow output cache (slow) ---------------------------------

#: The sample banks of one model: grammar_data -> train_n64 (split 0) -> sample_bank.
RUN = "results/tiny/train/n64/split0_seed0"
BANKS = tuple(f"results/tiny/samples/n64/split0_seed0/epoch{e}.h5" for e in CHECKPOINTS)
CACHED_OUTPUTS = (
    "results/tiny/data/grammar.h5",
    *(f"{RUN}/epoch{e}.pt" for e in CHECKPOINTS),
    f"{RUN}/train_log.csv",
    *BANKS,
)


@pytest.mark.slow
def test_output_cache_is_shared_between_workflow_copies(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {"SNAKEMAKE_OUTPUT_CACHE": str(cache)}
    first = copy_tiny_workflow(tmp_path / "first")
    second = copy_tiny_workflow(tmp_path / "second")
    stored = snakemake(first, *BANKS, "--cache", env=env, timeout=SLOW_TIMEOUT)
    log = stored.stdout + stored.stderr
    if stored.returncode != 0 and "not Namedlist" in log:
        pytest.xfail(
            "the training rule's list-valued output `checkpoints=[...]` cannot be cached: "
            "Snakemake's cache needs each output of a multi-output rule named on its own"
        )
    assert stored.returncode == 0, stored.stdout[-3000:] + stored.stderr[-6000:]
    # Every job computed its own outputs: no two jobs share a cache entry. (The
    # provenance hash sees params and upstream *jobs*, not upstream files, so the
    # banks of one model's checkpoints differ only if their params name the epoch.)
    for output in CACHED_OUTPUTS:
        assert f"Moving output file {output} to cache" in log, f"{output} was not computed"
    entries = {os.readlink(first / bank) for bank in BANKS}
    assert len(entries) == len(BANKS), "sample banks of different epochs share a cache entry"

    fetched = run_target(second, *BANKS, "--cache", env=env)
    log = fetched.stdout + fetched.stderr
    for output in CACHED_OUTPUTS:
        assert f"Symlinking output file {output} from cache" in log, output
        linked, original = second / output, first / output
        assert linked.is_symlink() and Path(os.readlink(linked)).parent == cache, output
        assert os.readlink(linked) == os.readlink(original), output  # the same entry
    assert "Moving output file" not in log  # nothing was computed again
    # Jobs served from the cache are recorded: the second copy is up to date.
    assert would_rerun(second, *BANKS) == {}
