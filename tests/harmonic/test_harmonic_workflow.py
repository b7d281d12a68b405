"""Study 2 end to end on a tiny config (every harmonic_ target) and the paper-scale dry run."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import copy_workflow, snakemake_command

TARGETS = (
    "harmonic_fig1",
    "harmonic_fig2",
    "harmonic_var",
    "harmonic_fig3",
    "harmonic_sigma",
    "harmonic_calpha",
    "harmonic_disc",
    "harmonic",
)
FIGURES = ("fig1", "fig2", "var", "fig3", "sigma", "calpha", "disc")
#: The small preset, smaller still: two sizes, one alpha, two short epochs.
TINY = {
    "results": "results/tiny",
    "harmonic": {
        "sizes": [1, 64],
        "alphas": [1],
        "extra_size": 128,
        "pool_size": 512,
        "network": {"arch": "unet", "K": 8, "B": 2},
        "training": {"epochs": 2, "epoch_images": 128},
        "sampler": {"samples": 3, "shown": 1, "max_T": 60},
        "measure": {"variance": {"images": 16}, "psnr": {"images": 16}, "jacobian": {"images": 2}},
    },
}


def _env():
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return dict(os.environ, PATH=path, PYTHONUNBUFFERED="1")


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    root = copy_workflow(tmp_path_factory.mktemp("harmonic_workflow"))
    (root / "tiny.yaml").write_text(yaml.safe_dump(TINY))
    command = [
        *snakemake_command(),
        *TARGETS,
        "--cores",
        "2",
        "--configfile",
        "config.yaml",
        "resources/presets/small.yaml",
        "tiny.yaml",
        "--show-failed-logs",
    ]
    result = subprocess.run(
        command, cwd=root, env=_env(), capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        pytest.fail(f"tiny harmonic run failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return root / "results" / "tiny" / "harmonic"


@pytest.mark.slow
def test_every_figure_and_table_is_written(tiny_results):
    for figure in FIGURES:
        assert (tiny_results / "figures" / f"{figure}.png").stat().st_size > 5_000
        assert (tiny_results / "figures" / f"{figure}.pdf").stat().st_size > 2_000
        assert len(pd.read_csv(tiny_results / "tables" / f"{figure}.csv")) > 0


@pytest.mark.slow
def test_tables_hold_their_rows(tiny_results):
    var = pd.read_csv(tiny_results / "tables" / "var.csv")
    assert sorted(var["N"].unique()) == [1, 64]
    c_a = var[var["quantity"] == "c_A"]
    aborted = var[var["quantity"] == "aborted"]
    assert len(aborted) == 2 * 3 and set(aborted["value"]) <= {0.0, 1.0}
    assert len(c_a) == (aborted["value"] == 0).sum() and c_a["value"].between(-1, 1 + 1e-9).all()
    assert len(pd.read_csv(tiny_results / "tables" / "fig1.csv")) == 2 * 1 * 4
    calpha = pd.read_csv(tiny_results / "tables" / "calpha.csv")
    slopes = calpha[calpha["kind"] == "slope"].set_index("alpha")
    assert set(slopes.index) == {1.0, 2.0} and slopes.loc[1.0, "optimum"] == pytest.approx(0.5)
    disc = pd.read_csv(tiny_results / "tables" / "disc.csv")
    summary = disc[disc["kind"] == "summary"]
    assert len(summary) == 2 * 2 and (summary["optimum_d"] - 5).abs().max() < 1e-9
    fig3 = pd.read_csv(tiny_results / "tables" / "fig3.csv")
    assert len(fig3[fig3["kind"] == "spectrum"]) == 256


def test_paper_scale_dry_run_lists_18_gpu_trainings(tmp_path):
    root = copy_workflow(tmp_path / "paper")
    faces = tmp_path / "img_align_celeba"
    faces.mkdir()
    command = [
        *snakemake_command(),
        "harmonic",
        "--dry-run",
        "--cores",
        "1",
        "--config",
        f"harmonic={{celeba_path: '{faces}'}}",
    ]
    result = subprocess.run(
        command, cwd=root, env=_env(), capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    blocks = re.split(r"\n(?=(?:local)?rule )", result.stdout)
    trains = [b for b in blocks if b.startswith("rule harmonic_train:")]
    assert len(trains) == 18
    assert all(re.search(r"resources: .*\bgpu=1\b", b) for b in trains)
    assert sum(b.startswith("rule harmonic_pool:") for b in blocks) == 1


def _digests(root: Path) -> dict[str, str]:
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".snakemake" not in path.parts
    }


def _diffgen_lines(result) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if "diffgen:" in line]


@pytest.mark.slow
def test_a_hand_run_job_refuses_the_model_of_another_split(tiny_results, tmp_path):
    """PSNR of split A's run given split B's model (right format, size and data set)."""
    run = {"dataset": "calpha2", "alpha": 2.0, "N": 64, "main": True, "split": "A"}
    spec = {"run": run, "s": [10, 25], "images": 4, "seed": 0}
    out = tmp_path / "psnr.csv"
    command = [sys.executable, "-m", "diffgen.cli", "harmonic", "psnr", "--spec", json.dumps(spec),
               "--model", str(tiny_results / "train/calpha2/N64B/model.pt"),
               "--train", str(tiny_results / "data/calpha2/N64A.h5"),
               "--test", str(tiny_results / "data/calpha2/test.h5"), "--out", str(out)]  # fmt: skip
    result = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    lines = _diffgen_lines(result)
    assert len(lines) == 1 and "N64B/model.pt: holds harmonic/train" in lines[0], lines
    assert '"data.part":"B"' in lines[0] and '"data.part":"A"' in lines[0]
    assert not out.exists()


@pytest.mark.slow
def test_a_model_from_another_split_stops_the_run_before_anything_is_lost(tiny_results):
    """Last in this module: it leaves split B's largest model replaced by split A's.

    The copy is whole, of the right format, size and data set: only its identity record
    tells it apart. The planned run stops with one line naming the file, and every
    existing result keeps its bytes.
    """
    model_a = tiny_results / "train/calpha2/N64A/model.pt"
    model_b = tiny_results / "train/calpha2/N64B/model.pt"
    model_b.unlink()
    shutil.copyfile(model_a, model_b)
    before = _digests(tiny_results)
    command = [*snakemake_command(), "harmonic_var", "--cores", "2", "--configfile",
               "config.yaml", "resources/presets/small.yaml", "tiny.yaml"]  # fmt: skip
    root = tiny_results.parents[2]
    result = subprocess.run(
        command, cwd=root, env=_env(), capture_output=True, text=True, timeout=600
    )
    assert result.returncode != 0
    lines = _diffgen_lines(result)
    assert len(lines) == 1 and "N64B/model.pt: holds harmonic/train" in lines[0], lines
    assert "N64A/model.pt" in lines[0]
    assert _digests(tiny_results) == before
