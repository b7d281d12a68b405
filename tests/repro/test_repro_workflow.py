"""Study 3's workflow: the paper-scale plan (dry run) and a tiny end-to-end run of every target."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, copy_workflow, snakemake_command

from diffgen.repro.config import check_consistency
from diffgen.repro.plan import Plan

#: The small preset, smaller still: two sizes, two widths, few steps and latents.
TINY = {
    "results": "results/tiny",
    "repro": {
        "training": {"steps": 60, "log_every": 30},
        "sampling": {"latents": 32, "batch_size": 32},
        "measure": {"pairs": 500},
        "jacobian": {"sigmas": [0.002, 1.0, 100.0], "draws": 2},
        "figures": {
            "fig2": {"N": [16, 64], "widths": [64, 128]},
            "fig4": {"N": [16, 64], "widths": [64, 128]},
            "fig6": {"N": 64, "families": [{"width": 64, "seed": 0, "precond": "edm"},
                                           {"width": 64, "seed": 0, "precond": "vp"}]},
            "jac": {"real": {"N": 64, "width": 64}, "molrg": {"N": 64, "width": 64}},
        },
    },
}  # fmt: skip
TARGETS = ("repro_fig2", "repro_fig4", "repro_fig6", "repro_jac", "repro")


def _env():
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return dict(os.environ, PATH=path, PYTHONUNBUFFERED="1")


def test_paper_dry_run_lists_30_gpu_trainings_for_fig2():
    command = [*snakemake_command(), "-n", "-p", "repro_fig2", "--cores", "1"]
    result = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    blocks = re.split(r"\n(?=(?:local)?rule )", result.stdout)
    trainings = [b for b in blocks if b.startswith("rule repro_train:")]
    assert len(trainings) == 30
    assert all(re.search(r"resources:.*\bgpu=1\b", b) for b in trainings)
    assert len({re.search(r"wildcards: (.*)", b).group(1) for b in trainings}) == 30


def test_small_preset_plan_has_15_trainings():
    from conftest import workflow_config

    section = workflow_config("resources/presets/small.yaml", study="repro")
    check_consistency(section)
    plan = Plan(section)
    assert len(plan.runs()) == 15
    assert ("molrg", 1024, "families") in plan.scored()
    assert "dstar" in plan.scored()[("molrg", 1024, "families")]


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    root = copy_workflow(tmp_path_factory.mktemp("repro_workflow"))
    (root / "tiny.yaml").write_text(yaml.safe_dump(TINY))
    command = [*snakemake_command(), *TARGETS, "--cores", "2", "--configfile", "config.yaml",
               "resources/presets/small.yaml", "tiny.yaml", "--show-failed-logs"]  # fmt: skip
    result = subprocess.run(command, cwd=root, env=_env(), capture_output=True, text=True,
                            timeout=900)  # fmt: skip
    if result.returncode != 0:
        pytest.fail(
            f"tiny repro workflow failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return root / "results" / "tiny" / "repro"


@pytest.mark.slow
def test_every_figure_and_table_is_written(tiny_results):
    for figure in ("fig2", "fig4", "fig6", "jac"):
        assert (tiny_results / "figures" / f"{figure}.png").stat().st_size > 5_000
        assert (tiny_results / "tables" / f"{figure}.csv").stat().st_size > 0
    tau = pd.read_csv(tiny_results / "threshold" / "molrg.csv")["tau"].iloc[0]
    assert 0.3 < tau < 1


@pytest.mark.slow
def test_tables_hold_their_rows(tiny_results):
    fig2 = pd.read_csv(tiny_results / "tables" / "fig2.csv")
    assert set(fig2["series"]) == {"64v128", "C64", "C128"}
    assert sorted(fig2["N"].unique()) == [16, 64]
    fig4 = pd.read_csv(tiny_results / "tables" / "fig4.csv")
    assert len(fig4) == 4
    fig6 = pd.read_csv(tiny_results / "tables" / "fig6.csv")
    assert len(fig6) == 9  # two nets and D*, a 3x3 matrix
    jac = pd.read_csv(tiny_results / "tables" / "jac.csv")
    dstar = jac[jac["model"] == "dstar"].groupby("sigma")["rank"]
    assert dstar.min()[0.002] == dstar.max()[0.002] == 6 / 48
    assert dstar.min()[100.0] == 12 / 48
    assert set(jac["panel"]) == {"a", "b"}


# -- nothing good lost, no file taken for what it is not ------------------------------


def _digests(root: Path) -> dict[str, str]:
    import hashlib

    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".work" not in p.parts}  # fmt: skip


@pytest.fixture()
def restored(tiny_results):
    """The tiny run; every file a test breaks is put back, bytes and time."""
    files = [p for p in tiny_results.rglob("*") if p.is_file()]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    yield tiny_results
    for path, (content, mtime) in before.items():
        if not path.exists() or path.read_bytes() != content:
            path.unlink(missing_ok=True)
            path.write_bytes(content)
        os.utime(path, ns=(mtime, mtime))


def _one_line(result) -> str:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert "Traceback" not in output, output[-3000:]
    lines = [line for line in output.splitlines() if line.startswith("diffgen:")]
    assert len(lines) == 1, output[-3000:]
    return lines[0]


def _swap_checkpoint(results: Path) -> tuple[Path, str]:
    runs = sorted(p for p in (results / "train" / "molrg" / "N64").iterdir() if p.is_dir())
    source, victim = runs[0] / "model.pt", runs[1] / "model.pt"
    victim.unlink()
    victim.write_bytes(source.read_bytes())
    return victim, f"train/molrg/N64/{runs[0].name}/model.pt"


def _truncate_data(results: Path) -> tuple[Path, str]:
    path = results / "data" / "digits" / "N64.h5"
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.truncate(size // 2)
    return path, "truncated"


def _drop_tau(results: Path) -> tuple[Path, str]:
    path = results / "threshold" / "molrg.csv"
    table = pd.read_csv(path).drop(columns=["tau"])
    path.unlink()
    table.to_csv(path, index=False)
    return path, "tau"


@pytest.mark.slow
@pytest.mark.parametrize("damage", [_swap_checkpoint, _truncate_data, _drop_tau])
def test_a_bad_intermediate_stops_the_run_and_keeps_every_output(restored, damage):
    """A checkpoint of another run, a data set cut in place, a threshold table without its
    column: the planned run stops with one line naming the file, and every other result
    keeps its bytes."""
    victim, reason = damage(restored)
    before = _digests(restored)
    root = restored.parents[2]
    command = [*snakemake_command(), *TARGETS, "--cores", "2", "--configfile", "config.yaml",
               "resources/presets/small.yaml", "tiny.yaml"]  # fmt: skip
    result = subprocess.run(command, cwd=root, env=_env(), capture_output=True, text=True,
                            timeout=600)  # fmt: skip
    line = _one_line(result)
    assert str(victim.relative_to(root)) in line and reason in line, line
    assert _digests(restored) == before


@pytest.mark.slow
def test_a_hand_run_job_whose_spec_disagrees_with_its_data_set_is_one_line(tiny_results, tmp_path):
    """`diffgen repro jacobian` told N=16 and given the N=64 training set."""
    data = tiny_results / "data" / "digits" / "N64.h5"
    out = tmp_path / "jacobian.csv"
    out.write_text("kept\n")
    spec = {"denoiser": "dn", "model": "dn", "N": 16, "sigmas": [1.0], "draws": 2, "seed": 0,
            "energy": 0.99}  # fmt: skip
    command = [sys.executable, "-m", "diffgen.cli", "repro", "jacobian", "--data", str(data),
               "--source", str(data), "--spec", json.dumps(spec), "--out", str(out),
               "--device", "cpu"]  # fmt: skip
    result = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=300)
    line = _one_line(result)
    assert str(data) in line and "holds repro/data data/digits/N64.h5" in line, line
    assert '"N":64' in line and '"N":16' in line, line
    assert out.read_text() == "kept\n"
