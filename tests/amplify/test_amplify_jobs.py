"""The study's job kinds chained on a tiny set through the command line, and bad inputs."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from diffgen.cli import main

DATA = {"source": "digits", "mnist_path": None, "split": "train", "classes": [0, 1], "rho": 0.9,
        "class_size": 30, "no_digit": False, "resolution": 8, "seed": 0}  # fmt: skip
MODEL = {"resolution": 8, "channels": 16, "channel_mult": [1, 2], "num_blocks": 1,
         "attn_resolutions": [4], "dropout": 0.1, "label_dropout": 0.1}  # fmt: skip
SAMPLER = {"steps": 4, "solver": "heun", "s_churn": 40.0, "s_min": 0.05, "s_max": 50.0,
           "s_noise": 1.003}  # fmt: skip
DDPM = {"network": {"T": 20, "num_labels": 2, "ch": 32, "ch_mult": [1, 2], "num_res_blocks": 1,
                    "dropout": 0.15}, "beta_start": 1e-4, "beta_end": 0.028, "iterations": 3,
        "batch_size": 8, "lr": 1e-4, "weight_decay": 1e-4, "grad_clip": 1.0, "p_uncond": 0.1,
        "seed": 0}  # fmt: skip


def cli(*argv) -> int:
    return main(["amplify", *[json.dumps(a) if isinstance(a, dict) else str(a) for a in argv]])


def test_job_chain(tmp_path):
    data = tmp_path / "data.h5"
    assert cli("data", "--spec", DATA, "--out", data) == 0
    edm = {"model": MODEL, "num_classes": 2, "steps": 3, "batch_size": 8, "lr": 2e-3,
           "ema_halflife_kimg": 10, "seed": 0}  # fmt: skip
    run_args = ("--device", "cpu", "--compile", "off")
    assert cli("train-edm", "--data", data, "--spec", edm, "--run-dir", tmp_path / "edm",
               *run_args) == 0  # fmt: skip
    out = tmp_path / "edm.csv"
    spec = {"model": "small", "sampler": SAMPLER, "per_class": 4, "seed": 1}
    assert cli("sample-edm", "--data", data, "--checkpoint", tmp_path / "edm" / "step3.pt",
               "--spec", spec, "--out", out, "--device", "cpu") == 0  # fmt: skip
    row = pd.read_csv(out).iloc[0]
    assert row["n"] == 8 and row["ci_low"] <= row["rho_model"] <= row["ci_high"]
    assert row["effective_rho"] == pytest.approx(27 / 30)
    assert cli("train-ddpm", "--data", data, "--spec", DDPM, "--run-dir", tmp_path / "ddpm",
               *run_args) == 0  # fmt: skip
    out = tmp_path / "ddpm.csv"
    spec = {"model": "ddpm", "w": 1.0, "steps": 4, "order": 3, "time_map": "reference",
            "per_class": 3, "seed": 2}  # fmt: skip
    assert cli("sample-ddpm", "--data", data, "--checkpoint", tmp_path / "ddpm" / "step3.pt",
               "--spec", spec, "--out", out, "--device", "cpu") == 0  # fmt: skip
    assert pd.read_csv(out).iloc[0]["n"] == 6
    out = tmp_path / "figa.csv"
    assert cli("figa", "--data", data, "--spec", {"sigmas": [0, 0.2], "seed": 0},
               "--out", out) == 0  # fmt: skip
    clean = pd.read_csv(out).query("sigma == 0")
    assert (clean["accuracy"] == 1).all()


def test_bad_inputs_are_one_line(tmp_path, capsys):
    assert cli("data", "--spec", {**DATA, "rho": 2}, "--out", tmp_path / "x.h5") == 2
    assert cli("data", "--spec", {**DATA, "source": "mnist", "mnist_path": str(tmp_path)},
               "--out", tmp_path / "x.h5") == 2  # fmt: skip
    assert cli("figa", "--data", tmp_path / "none.h5", "--spec", {"sigmas": [0], "seed": 0},
               "--out", tmp_path / "f.csv") == 2  # fmt: skip
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("diffgen:")]
    assert len(lines) >= 2


def test_tables_and_plots_from_job_rows(tmp_path):
    from diffgen.amplify import figures, tables
    from diffgen.amplify.registry import FIGURES
    from diffgen.core.registry import resolve

    edm = tmp_path / "edm.csv"
    rows = [{"model": "K2", "rho": r, "effective_rho": r, "class_size": 30, "steps": n,
             "solver": "heun", "s_churn": c, "s_min": 0.05, "s_max": 50, "s_noise": 1.003,
             "k": 5, "n": 8, "rho_model": 0.625, "ci_low": 0.24, "ci_high": 0.91, "matrix": "[]"}
            for r in (0.5, 0.9) for n in (6, 40) for c in (0, 60)]  # fmt: skip
    pd.DataFrame(rows).to_csv(edm, index=False)
    ddpm = tmp_path / "ddpm.csv"
    rows = [{"model": "ddpm", "rho": 0.9, "effective_rho": 0.9, "class_size": 30, "T": t,
             "w": w, "steps": 10, "time_map": "reference", "k": 5, "n": 8, "rho_model": 0.6,
             "ci_low": 0.2, "ci_high": 0.9, "matrix": "[]"}
            for t in (100, 200) for w in (0.3, 1, 3)]  # fmt: skip
    pd.DataFrame(rows).to_csv(ddpm, index=False)
    acc = tmp_path / "acc.csv"
    rows = [{"sigma": s, "class": c, "aligned": a, "n": 3, "accuracy": 1.0}
            for s in (0, 0.2) for c in (0, 1) for a in (True, False)]  # fmt: skip
    pd.DataFrame(rows).to_csv(acc)
    inputs = {"edm": [str(edm)], "ddpm": [str(ddpm)], "accuracy": [str(acc)]}
    for name, entry in FIGURES.items():
        table = resolve(entry.table)(inputs, {})
        assert len(table) and (table["figure"] == name).all()
        if name != "figA":
            assert list(table.columns[:11]) == tables.FRONT
            assert (table["ci_low"] <= table["rho_model"]).all()
        resolve(entry.plot)(table, tmp_path / f"{name}.pdf", tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 0
    assert figures.__doc__
