"""The study's job kinds chained on a tiny set through the command line, and bad inputs."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from diffgen.cli import main

DATA = {"name": "tiny", "source": "digits", "mnist_path": None, "split": "train",
        "classes": [0, 1], "rho": 0.9, "class_size": 30, "no_digit": False, "resolution": 8,
        "seed": 0}  # fmt: skip
MODEL = {"resolution": 8, "channels": 16, "channel_mult": [1, 2], "num_blocks": 1,
         "attn_resolutions": [4], "dropout": 0.1, "label_dropout": 0.1}  # fmt: skip
SAMPLER = {"steps": 4, "solver": "heun", "s_churn": 40.0, "s_min": 0.05, "s_max": 50.0,
           "s_noise": 1.003}  # fmt: skip
EDM = {"run": "a", "data": "tiny", "model": MODEL, "num_classes": 2, "steps": 3,
       "batch_size": 8, "lr": 2e-3, "ema_halflife_kimg": 10, "seed": 0}  # fmt: skip
DDPM = {"data": "tiny", "network": {"T": 20, "num_labels": 2, "ch": 32, "ch_mult": [1, 2],
                                    "num_res_blocks": 1, "dropout": 0.15},
        "beta_start": 1e-4, "beta_end": 0.028, "iterations": 3, "batch_size": 8, "lr": 1e-4,
        "weight_decay": 1e-4, "grad_clip": 1.0, "p_uncond": 0.1, "seed": 0}  # fmt: skip
RUN = ("--device", "cpu", "--compile", "off")


def cli(*argv) -> int:
    return main(["amplify", *[json.dumps(a) if isinstance(a, dict) else str(a) for a in argv]])


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """A data set, two EDM runs (a, b) and one ε-UNet, trained for 3 steps each."""
    root = tmp_path_factory.mktemp("amplify_jobs")
    data = root / "data.h5"
    assert cli("data", "--spec", DATA, "--out", data) == 0
    for run, seed in (("a", 0), ("b", 1)):
        spec = {**EDM, "run": run, "seed": seed}
        assert cli("train-edm", "--data", data, "--spec", spec, "--run-dir", root / run, *RUN) == 0
    assert cli("train-ddpm", "--data", data, "--spec", DDPM, "--run-dir", root / "ddpm", *RUN) == 0
    return root


def sample_spec(run="a", **sampler):
    return {"run": run, "data": "tiny", "variant": "small", "sampler": {**SAMPLER, **sampler},
            "per_class": 4, "seed": 1}  # fmt: skip


def test_job_chain(chain, tmp_path):
    data, out = chain / "data.h5", tmp_path / "edm.csv"
    assert cli("sample-edm", "--data", data, "--checkpoint", chain / "a" / "step3.pt",
               "--spec", sample_spec(), "--out", out, "--device", "cpu") == 0  # fmt: skip
    row = pd.read_csv(out).iloc[0]
    assert row["n"] == 8 and row["ci_low"] <= row["rho_model"] <= row["ci_high"]
    assert row["effective_rho"] == pytest.approx(27 / 30) and row["size"] == 30
    matrix = json.loads(row["matrix"])
    assert sum(map(sum, matrix)) == 8 and matrix[0][0] + matrix[1][1] == row["k"]
    out = tmp_path / "ddpm.csv"
    spec = {"data": "tiny", "T": 20, "w": 1.0, "steps": 4, "order": 3, "time_map": "reference",
            "per_class": 3, "seed": 2}  # fmt: skip
    assert cli("sample-ddpm", "--data", data, "--checkpoint", chain / "ddpm" / "step3.pt",
               "--spec", spec, "--out", out, "--device", "cpu") == 0  # fmt: skip
    assert pd.read_csv(out).iloc[0]["n"] == 6
    out = tmp_path / "figa.csv"
    assert cli("figa", "--data", data, "--spec", {"data": "tiny", "sigmas": [0, 0.2], "seed": 0},
               "--out", out) == 0  # fmt: skip
    clean = pd.read_csv(out).query("sigma == 0")
    assert (clean["accuracy"] == 1).all()


def test_settings_of_one_model_share_their_noise(chain, tmp_path):
    """Two settings differ only by the sampler: S_churn 0 twice gives the same table."""
    data, checkpoint = chain / "data.h5", chain / "a" / "step3.pt"
    tables = []
    for index in range(2):
        out = tmp_path / f"{index}.csv"
        spec = sample_spec(s_churn=0.0)
        assert cli("sample-edm", "--data", data, "--checkpoint", checkpoint,
                   "--spec", spec, "--out", out, "--device", "cpu") == 0  # fmt: skip
        tables.append(out.read_bytes())
    assert tables[0] == tables[1]


def test_a_checkpoint_of_another_run_is_refused(chain, tmp_path, capsys):
    swapped = tmp_path / "step3.pt"
    shutil.copyfile(chain / "b" / "step3.pt", swapped)
    out = tmp_path / "x.csv"
    assert cli("sample-edm", "--data", chain / "data.h5", "--checkpoint", swapped,
               "--spec", sample_spec(run="a"), "--out", out, "--device", "cpu") == 2  # fmt: skip
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("diffgen:")]
    assert len(lines) == 1 and "holds amplify/train-edm" in lines[0] and '"run":"b"' in lines[0]
    assert "Traceback" not in err and not out.exists()


def test_bad_inputs_are_one_line(tmp_path, capsys):
    assert cli("data", "--spec", {**DATA, "rho": 2}, "--out", tmp_path / "x.h5") == 2
    assert cli("data", "--spec", {**DATA, "source": "mnist", "mnist_path": str(tmp_path)},
               "--out", tmp_path / "x.h5") == 2  # fmt: skip
    assert cli("figa", "--data", tmp_path / "none.h5",
               "--spec", {"data": "tiny", "sigmas": [0], "seed": 0},
               "--out", tmp_path / "f.csv") == 2  # fmt: skip
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("diffgen:")]
    assert len(lines) == 3 and "Traceback" not in err
    assert "rho" in lines[0] and str(tmp_path) in lines[1] and "none.h5" in lines[2]


def test_tables_and_plots_from_job_rows(tmp_path):
    from diffgen.amplify import tables
    from diffgen.amplify.registry import FIGURES
    from diffgen.core.registry import resolve

    edm = tmp_path / "edm.csv"
    rows = [{"run": f"small_r{r}", "variant": "small", "K": 2, "classes": "0-1",
             "no_digit": False, "size": "all", "rho": r, "effective_rho": r, "class_size": 30,
             "steps": n, "solver": "heun", "s_churn": c, "s_min": 0.05, "s_max": 50,
             "s_noise": 1.003, "per_class": 4, "k": 5, "n": 8, "rho_model": 0.625,
             "ci_low": 0.24, "ci_high": 0.91, "matrix": "[]"}
            for r in (0.5, 0.9) for n in (6, 40) for c in (0, 60)]  # fmt: skip
    pd.DataFrame(rows).to_csv(edm, index=False)
    ddpm = tmp_path / "ddpm.csv"
    rows = [{"rho": 0.9, "effective_rho": 0.9, "class_size": 30, "T": t,
             "w": w, "steps": 10, "time_map": "reference", "k": 5, "n": 8, "rho_model": 0.6,
             "ci_low": 0.2, "ci_high": 0.9, "matrix": "[]"}
            for t in (100, 200) for w in (0.3, 1, 3)]  # fmt: skip
    pd.DataFrame(rows).to_csv(ddpm, index=False)
    acc = tmp_path / "acc.csv"
    rows = [{"sigma": s, "class": c, "aligned": a, "n": 3, "accuracy": 1.0}
            for s in (0, 0.2) for c in (0, 1) for a in (True, False)]  # fmt: skip
    pd.DataFrame(rows).to_csv(acc)
    inputs = {"edm": [str(edm)], "ddpm": [str(ddpm)], "accuracy": [str(acc)]}
    panel = {"name": "p", "model": "small", "classes": [0, 1], "rho": [0.5, 0.9],
             "steps": [6, 40], "s_churn": [0, 60], "per_class": 4}  # fmt: skip
    narrow = {**panel, "name": "q", "rho": [0.9], "s_churn": [60]}
    for name, entry in FIGURES.items():
        table = resolve(entry.table)(inputs, {"panels": [panel, narrow]})
        assert len(table) and (table["figure"] == name).all()
        if name not in ("figA", "fig5"):
            assert list(table.columns[:11]) == tables.FRONT
            assert table.groupby("panel").size().to_dict() == {"p": 8, "q": 2}
        if name != "figA":
            assert (table["ci_low"] <= table["rho_model"]).all()
        resolve(entry.plot)(table, tmp_path / f"{name}.pdf", tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 0
