"""Study 5 end to end on a tiny config: every rhm_ target, with the expected table rows."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import copy_workflow, snakemake_command

pytestmark = pytest.mark.slow

#: The small preset with fewer steps, samples and strings (about 2-3 minutes on 2 cores).
TINY = {
    "results": "results/tiny",
    "rhm": {
        "training": {"steps": 2048, "log_every": 512},
        "data": {"P_test": 256},
        "evaluation": {"n_samples": 256, "first_step": 1024, "loss_strings": 256},
        "forward_backward": {
            "grammars": [{"v": 8, "n": 8, "m": 3, "s": 2, "L": 3}],
            "n_strings": 256,
            "t": [10, 20, 30, 40, 60, 80],
            "model_strings": 128,
            "model_t": [10, 30, 50],
        },
    },
}
TARGETS = ("rhm_fig1", "rhm_fig2", "rhm_fig3", "rhm_fig4", "rhm")


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    root = copy_workflow(tmp_path_factory.mktemp("rhm_workflow"))
    (root / "tiny.yaml").write_text(yaml.safe_dump(TINY))
    command = [*snakemake_command(), *TARGETS, "--cores", "2", "--configfile", "config.yaml",
               "resources/presets/small.yaml", "tiny.yaml", "--show-failed-logs"]  # fmt: skip
    # Jobs run `python`: this interpreter's, whether or not its environment is activated.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = dict(os.environ, PATH=path, PYTHONUNBUFFERED="1")
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True,
                            timeout=900)  # fmt: skip
    if result.returncode != 0:
        pytest.fail(f"tiny rhm workflow failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return root / "results" / "tiny" / "rhm"


def test_every_figure_and_table_is_written(tiny_results):
    for figure in ("fig1", "fig2", "fig3", "fig4"):
        assert (tiny_results / "figures" / f"{figure}.png").stat().st_size > 10_000
        assert (tiny_results / "figures" / f"{figure}.pdf").stat().st_size > 5_000
        assert (tiny_results / "tables" / f"{figure}.csv").stat().st_size > 0


def test_tables_have_their_rows(tiny_results):
    fig1 = pd.read_csv(tiny_results / "tables" / "fig1.csv")
    assert sorted(fig1["step"].unique()) == [1024, 2048]
    expected = {"valid_1", "valid_2", "valid_3", "copies", "new_valid", "train_loss",
                "test_loss", "loss_ema", "chance_1", "chance_3", "copies_ideal",
                *(f"test_loss_w{w}" for w in range(10))}  # fmt: skip
    assert expected <= set(fig1["quantity"])
    assert (fig1.groupby("quantity").size() == 2).all()
    fig2 = pd.read_csv(tiny_results / "tables" / "fig2.csv")
    assert sorted(fig2["P"].unique()) == [128, 1024] and set(fig2["step"]) == {2048}
    fig3 = pd.read_csv(tiny_results / "tables" / "fig3.csv")
    assert len(fig3[fig3["source"] == "bp"]) == 6 * 4
    assert len(fig3[fig3["source"] == "model"]) == 3 * 4
    fig4 = pd.read_csv(tiny_results / "tables" / "fig4.csv")
    chi, corr = fig4[fig4["kind"] == "chi"], fig4[fig4["kind"] == "corr"]
    assert len(chi[chi["source"] == "bp"]) == 6 and len(chi[chi["source"] == "model"]) == 3
    assert len(corr) == 2 * 8 and corr.groupby("source")["t"].nunique().eq(1).all()


def test_the_grammar_is_learnt_bottom_up(tiny_results):
    fig1 = pd.read_csv(tiny_results / "tables" / "fig1.csv")
    last = fig1[fig1["step"] == fig1["step"].max()].set_index("quantity")["mean"]
    assert last["valid_1"] > last["valid_2"] > last["valid_3"]
    assert last["valid_1"] >= 0.7
    for h in (1, 2, 3):
        assert last[f"valid_{h}"] > last[f"chance_{h}"]
    keep = pd.read_csv(tiny_results / "tables" / "fig3.csv")
    bp = keep[(keep["source"] == "bp") & (keep["t"] == 30)].set_index("level")["mean"]
    assert bp[0] < bp[3], "the class changes before the leaves"


def _digests(root: Path) -> dict[str, str]:
    import hashlib

    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".snakemake" not in path.parts
    }


def _snakemake(root: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    command = [*snakemake_command(), *args, "--cores", "2", "--configfile", "config.yaml",
               "resources/presets/small.yaml", "tiny.yaml"]  # fmt: skip
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(command, cwd=root, env=dict(os.environ, PATH=path),
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def test_a_moved_checkout_reruns_nothing(tiny_results, tmp_path):
    """A finished run copied to another folder (sources, results, Snakemake's records) is
    up to date there: no input or param holds the checkout's absolute path."""
    root = tiny_results.parents[2]
    moved = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(root, moved, symlinks=True)
    result = _snakemake(moved, *TARGETS, "-n")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Nothing to be done" in result.stdout + result.stderr, result.stdout[-3000:]


def test_a_removed_checkpoint_comes_back_as_the_docs_say(tiny_results):
    """docs/reliability.md: an up-to-date figure does not bring back a removed intermediate
    (Snakemake rebuilds a missing file only for a job that must run); naming the file does,
    byte-identical from the run's staged copy, and the figure stays up to date."""
    root = tiny_results.parents[2]
    run_dir = next(tiny_results.glob("train/*/P*/seed*"))
    checkpoint = sorted(run_dir.glob("step*.pt"))[0]
    good = checkpoint.read_bytes()
    checkpoint.unlink()
    planned = _snakemake(root, "rhm_fig1", "-n")
    assert "Nothing to be done" in planned.stdout + planned.stderr, planned.stdout[-2000:]
    assert not checkpoint.exists()
    result = _snakemake(root, str(checkpoint.relative_to(root)))
    assert result.returncode == 0, result.stderr[-3000:]
    assert checkpoint.read_bytes() == good
    after = _snakemake(root, "rhm_fig1", "-n")
    assert "Nothing to be done" in after.stdout + after.stderr, after.stdout[-2000:]


def _killed_while_locked(root: Path, *args: str, timeout: float = 120) -> None:
    """Start ``snakemake <args>`` and SIGKILL its whole process group as soon as it holds
    Snakemake's lock (a power loss or `scancel` of the driver, as far as Snakemake knows)."""
    command = [*snakemake_command(), *args, "--cores", "2", "--configfile", "config.yaml",
               "resources/presets/small.yaml", "tiny.yaml"]  # fmt: skip
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    run = subprocess.Popen(command, cwd=root, env=dict(os.environ, PATH=path),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)  # fmt: skip
    locks = root / ".snakemake" / "locks"
    deadline = time.monotonic() + timeout
    try:
        while not any(locks.glob("*.lock")):
            assert run.poll() is None, "the run ended before it took Snakemake's lock"
            assert time.monotonic() < deadline, "no lock seen"
            time.sleep(0.1)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()


def test_a_killed_run_is_unlocked_and_finished_as_the_docs_say(tiny_results):
    """docs/reliability.md: after a killed run the next one stops on Snakemake's lock;
    `snakemake --unlock <target>` clears it and the same command again finishes the
    figure, with the same checkpoints (training resumes bit for bit)."""
    root = tiny_results.parents[2]
    checkpoints = {p: p.read_bytes() for p in tiny_results.glob("train/*/P*/seed*/step*.pt")}
    command = ("rhm_fig1", "--forcerun", "rhm_train")
    _killed_while_locked(root, *command)
    locked = _snakemake(root, *command)
    assert locked.returncode != 0
    assert "--unlock" in locked.stdout + locked.stderr, locked.stderr[-2000:]
    assert _snakemake(root, "--unlock", "rhm_fig1").returncode == 0
    # The same command again: the killed jobs rerun (their outputs were removed when they
    # started, so a plain `snakemake rhm_fig1` could find nothing to do for them).
    finished = _snakemake(root, *command, "--rerun-incomplete")
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert (tiny_results / "figures" / "fig1.pdf").is_file()
    assert {p: p.read_bytes() for p in checkpoints} == checkpoints
    again = _snakemake(root, "rhm_fig1", "-n")
    assert "Nothing to be done" in again.stdout + again.stderr, again.stdout[-2000:]


def test_a_checkpoint_from_another_place_stops_the_run_before_anything_is_lost(tiny_results):
    """Last in this module: it leaves the run's last checkpoint replaced by another step's.

    The copied checkpoint is whole, of the right format and of the same run, so only its
    identity record tells it apart: the planned run stops with one line naming the file,
    and every existing result keeps its bytes.
    """
    run_dir = next(tiny_results.glob("train/*/P*/seed*"))
    steps = sorted(int(p.stem[4:]) for p in run_dir.glob("step*.pt"))
    first, last = run_dir / f"step{steps[-2]}.pt", run_dir / f"step{steps[-1]}.pt"
    last.unlink()
    shutil.copyfile(first, last)
    before = _digests(tiny_results)
    root = tiny_results.parents[2]
    command = [*snakemake_command(), "rhm_fig1", "--cores", "2", "--configfile", "config.yaml",
               "resources/presets/small.yaml", "tiny.yaml"]  # fmt: skip
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    result = subprocess.run(command, cwd=root, env=dict(os.environ, PATH=path),
                            capture_output=True, text=True, timeout=600)  # fmt: skip
    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "diffgen:" in line]
    assert len(lines) == 1 and f"step{steps[-1]}.pt: holds rhm/train" in lines[0], lines
    assert f"step{steps[-2]}.pt" in lines[0]
    assert _digests(tiny_results) == before
