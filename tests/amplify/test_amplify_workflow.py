"""Study 4's workflow: the paper-scale plan (dry run), a bad config, and a tiny end-to-end
run of every amplify_ target through Snakemake (with a swapped checkpoint refused)."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, copy_workflow, snakemake_command, workflow_config

from diffgen.amplify.config import check_consistency
from diffgen.amplify.plan import Plan

#: The small preset, smaller still: two EDM runs (ρ = .9 with and without the digit) that
#: every figure shares, one ε-UNet, few steps and samples (python start-ups dominate).
PANEL = {"model": "small", "classes": [0, 1], "rho": [0.9], "steps": [4], "s_churn": [0, 60],
         "per_class": 16}  # fmt: skip
TINY = {
    "results": "results/tiny",
    "amplify": {
        "training": {"steps": 40},
        "figures": {
            "fig1": {"panels": [{**PANEL, "name": "K=2"}]},
            "fig2": {"panels": [{**PANEL, "name": "no digit", "no_digit": True, "s_churn": [0]}]},
            "fig3": {"panels": [{**PANEL, "name": "sizes", "class_size": [None]}]},
            "fig4": {"panels": [{**PANEL, "name": "N", "steps": [2, 4], "s_churn": [0],
                                 "solvers": ["heun", "euler"]}]},
            "fig5": {"T": [50], "w": [1, 3], "steps": 4, "per_class": 16,
                     "training": {"iterations": 20}},
            "figA": {"sigmas": [0, 0.3]},
        },
    },
}  # fmt: skip
TARGETS = ("amplify_fig1", "amplify_fig2", "amplify_fig3", "amplify_fig4", "amplify_fig5",
           "amplify_figA", "amplify")  # fmt: skip
FIGURES = ("fig1", "fig2", "fig3", "fig4", "fig5", "figA")


def _env():
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return dict(os.environ, PATH=path, PYTHONUNBUFFERED="1")


def _blocks(stdout: str, rule: str) -> list[str]:
    blocks = re.split(r"\n(?=(?:local)?rule )", stdout)
    return [b for b in blocks if re.match(rf"(local)?rule {rule}:", b)]


def test_paper_dry_run_lists_the_56_gpu_trainings_and_none_per_sampler_setting():
    command = [*snakemake_command(), "-n", "-p", "amplify", "--cores", "1"]
    result = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True,
                            timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    edm = _blocks(result.stdout, "amplify_train_edm")
    ddpm = _blocks(result.stdout, "amplify_train_ddpm")
    # figs 1, 2, 3: 11 + 31 + 8 EDM models; fig 4 reuses them; fig 5: one ε-UNet per T.
    assert (len(edm), len(ddpm)) == (50, 6)
    assert all(re.search(r"resources:.*\bgpu=1\b", b) for b in edm + ddpm)
    runs = {re.search(r"wildcards: run=(\S+)", b).group(1) for b in edm}
    assert len(runs) == 50 and not any("heun" in r or "churn" in r for r in runs)
    samples = _blocks(result.stdout, "amplify_sample_edm")
    section = workflow_config(study="amplify")
    plan = Plan(section)
    settings = {s.name() for f in ("fig1", "fig2", "fig3", "fig4") for _, s in plan.measurements(f)}
    assert len(settings) > 4 and len(samples) > len(edm)
    sampled = {re.search(r"run=([^,\s]+)", b).group(1) for b in samples}
    assert sampled == runs, "every sampled model is one of the trainings"
    assert "--spec" in result.stdout and '"source": "mnist"' in result.stdout


def test_small_preset_plan():
    section = workflow_config("resources/presets/small.yaml", study="amplify")
    check_consistency(section)
    plan = Plan(section)
    assert len(plan.runs()) == 4 and plan.trainings() == 6
    assert {s.steps for _, s in plan.measurements("fig4")} == {4, 6, 10, 16, 25, 40}


def test_medium_preset_plan_is_what_the_acceptance_reads():
    """The medium GPU preset: fig 1 trains the 8.8M K2 network once per rho (3 runs) and
    samples each at (6, 0), (6, 60), (160, 0), (160, 60); fig 5 trains one eps-UNet per T."""
    section = workflow_config("resources/presets/medium_amplify.yaml", study="amplify")
    check_consistency(section)
    plan = Plan(section)
    runs = plan.runs("fig1")
    assert len(runs) == 3 and {run.variant for run in runs} == {"K2"}
    assert {run.data.rho for run in runs} == {0.7, 0.9, 0.99}
    settings = {(s.steps, s.s_churn) for _, s in plan.measurements("fig1")}
    assert settings == {(6, 0), (6, 60), (160, 0), (160, 60)}
    assert plan.ddpm_T() == [500, 1000]


def _acceptance_tables(tmp_path, overlap, fig5_values):
    """fig1: the slow sampler 0.25 above the fast one at each rho, its interval reaching
    down to 0 when ``overlap``; fig5: one T, values at w = 0.1, 1, 5 (intervals +-0.02)."""
    rows = []
    for rho in (0.7, 0.9):
        fast, slow = rho - 0.2, rho + 0.05
        rows.append({"rho": rho, "steps": 6, "s_churn": 0, "rho_model": fast,
                     "ci_low": fast - 0.02, "ci_high": fast + 0.02})  # fmt: skip
        slow_low = 0.0 if overlap else slow - 0.02
        rows.append({"rho": rho, "steps": 160, "s_churn": 60, "rho_model": slow,
                     "ci_low": slow_low, "ci_high": slow + 0.02})  # fmt: skip
    pd.DataFrame(rows).to_csv(tmp_path / "fig1.csv", index=False)
    fig5 = [{"T": 500, "w": w, "rho_model": v, "ci_low": v - 0.02, "ci_high": v + 0.02}
            for w, v in zip((0.1, 1, 5), fig5_values, strict=True)]  # fmt: skip
    pd.DataFrame(fig5).to_csv(tmp_path / "fig5.csv", index=False)
    return tmp_path


@pytest.mark.parametrize(
    ("overlap", "fig5_values", "holds"),
    [
        (False, (0.5, 0.7, 0.9), True),  # slow sampler above, disjoint; fig 5 rising
        (False, (0.5, 0.9, 0.87), True),  # a dip inside the intervals is allowed
        (False, (0.5, 0.9, 0.7), False),  # a drop beyond the intervals is not
        (True, (0.5, 0.7, 0.9), False),  # slow sampler above, intervals overlapping
    ],
)
def test_medium_acceptance_on_hand_tables(tmp_path, overlap, fig5_values, holds):
    from diffgen.amplify.acceptance import checks, main

    tables = _acceptance_tables(tmp_path, overlap, fig5_values)
    results = checks(tables)
    assert len(results) == 3
    assert all(ok for _, ok in results) is holds
    assert main([str(tables)]) == (0 if holds else 1)


def test_medium_acceptance_without_tables_is_one_line(tmp_path, capsys):
    from diffgen.amplify.acceptance import main

    assert main([str(tmp_path)]) == 2
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("diffgen:") and "fig1.csv" in out[0]
    _acceptance_tables(tmp_path, False, (0.5, 0.7, 0.9))
    pd.read_csv(tmp_path / "fig5.csv").drop(columns="ci_high").to_csv(tmp_path / "fig5.csv")
    assert main([str(tmp_path)]) == 2
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [f"diffgen: {tmp_path / 'fig5.csv'}: lacks columns ci_high"]


def test_a_bad_config_is_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"amplify": {"figures": {"fig1": {"panels": [
        {**PANEL, "name": "x", "rho": [0.5], "model": "nope"}]}}}}))  # fmt: skip
    command = [*snakemake_command(), "-n", "amplify_fig1", "--cores", "1", "--configfile",
               "config.yaml", str(bad)]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "diffgen:" in line]
    assert len(lines) == 1 and "amplify.figures.fig1.panels[0].model" in lines[0], lines
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    root = copy_workflow(tmp_path_factory.mktemp("amplify_workflow"))
    (root / "tiny.yaml").write_text(yaml.safe_dump(TINY))
    command = [*snakemake_command(), *TARGETS, "--cores", "2", "--configfile", "config.yaml",
               "resources/presets/small.yaml", "tiny.yaml", "--show-failed-logs"]  # fmt: skip
    result = subprocess.run(command, cwd=root, env=_env(), capture_output=True, text=True,
                            timeout=1800)  # fmt: skip
    if result.returncode != 0:
        pytest.fail(
            f"tiny amplify workflow failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return root / "results" / "tiny" / "amplify"


@pytest.mark.slow
def test_every_figure_and_table_is_written(tiny_results):
    for figure in FIGURES:
        assert (tiny_results / "figures" / f"{figure}.png").stat().st_size > 10_000
        assert (tiny_results / "figures" / f"{figure}.pdf").stat().st_size > 5_000
        assert (tiny_results / "tables" / f"{figure}.csv").stat().st_size > 0


@pytest.mark.slow
def test_tables_have_their_rows(tiny_results):
    def table(name):
        return pd.read_csv(tiny_results / "tables" / f"{name}.csv")

    sizes = {"fig1": 2, "fig2": 1, "fig3": 2, "fig4": 2 * 2, "fig5": 2}
    for name, rows in sizes.items():
        frame = table(name)
        assert len(frame) == rows, name
        inside = (frame["ci_low"] <= frame["rho_model"]) & (frame["rho_model"] <= frame["ci_high"])
        assert inside.all() and (frame["n"] == 2 * 16).all()
        assert ((frame["k"] / frame["n"] - frame["rho_model"]).abs() < 1e-12).all()
    assert set(table("fig1")["s_churn"]) == {0, 60} and set(table("fig1")["rho"]) == {0.9}
    assert set(table("fig4")["solver"]) == {"heun", "euler"}
    assert set(table("fig2")["no_digit"].astype(str)) == {"True"}
    assert sorted(table("fig5")["w"]) == [1, 3] and set(table("fig5")["T"]) == {50}
    figa = table("figA")
    assert (figa.loc[figa["sigma"] == 0, "accuracy"] == 1).all()
    assert set(figa["aligned"].astype(str)) == {"True", "False"}


@pytest.mark.slow
def test_one_checkpoint_serves_every_sampler_setting(tiny_results):
    runs = sorted(p.name for p in (tiny_results / "train" / "edm").iterdir())
    measured = sorted(p.name for p in (tiny_results / "measure" / "edm").iterdir())
    assert runs == measured and len(runs) == 2
    for run in runs:
        assert len(list((tiny_results / "train" / "edm" / run).glob("step*.pt"))) == 1


def _digests(root: Path) -> dict[str, str]:
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".snakemake" not in path.parts
    }


@pytest.mark.slow
def test_a_checkpoint_of_another_run_stops_the_run_before_anything_is_lost(tiny_results):
    """Last in this module: it leaves one run's checkpoint replaced by another run's."""
    first, second = sorted((tiny_results / "train" / "edm").glob("*/step*.pt"))[:2]
    second.unlink()
    shutil.copyfile(first, second)
    before = _digests(tiny_results)
    root = tiny_results.parents[2]
    command = [*snakemake_command(), "amplify", "--cores", "2", "--configfile", "config.yaml",
               "resources/presets/small.yaml", "tiny.yaml"]  # fmt: skip
    result = subprocess.run(command, cwd=root, env=_env(), capture_output=True, text=True,
                            timeout=600)  # fmt: skip
    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "diffgen:" in line]
    assert len(lines) == 1 and "holds amplify/train-edm" in lines[0], lines
    held, wanted = (f"train/edm/{p.parent.name}/{p.name}" for p in (first, second))
    assert f"holds amplify/train-edm {held}" in lines[0]
    assert f"expected amplify {wanted}" in lines[0]
    assert _digests(tiny_results) == before
