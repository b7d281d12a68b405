"""Study 4's figure tables: measurement rows stacked with the spec's columns.

Columns: figure, panel, model, rho, effective_rho, setting, k, n, rho_model,
ci_low, ci_high (and the setting's own columns). The panel is the measurement's
model name (the workflow names each model after its panel); ``setting`` is a
readable label of the sampler setting.
"""

from __future__ import annotations

import pandas as pd

from diffgen.core.tables import NUMBER, TEXT, read_tables

MEASURE = {
    "model": TEXT,
    **dict.fromkeys(
        ["rho", "effective_rho", "class_size", "k", "n", "rho_model", "ci_low", "ci_high"], NUMBER
    ),
}
EDM = {**MEASURE, "solver": TEXT, **dict.fromkeys(["steps", "s_churn"], NUMBER)}
DDPM = {**MEASURE, "time_map": TEXT, **dict.fromkeys(["T", "w", "steps"], NUMBER)}
ACCURACY = dict.fromkeys(["sigma", "class", "n", "accuracy"], NUMBER) | {"aligned": TEXT}
FRONT = ["figure", "panel", "model", "rho", "effective_rho", "setting", "k", "n", "rho_model",
         "ci_low", "ci_high"]  # fmt: skip


def _edm(inputs: dict, figure: str) -> pd.DataFrame:
    table = read_tables(inputs.get("edm", []), EDM)
    setting = ("N=" + table["steps"].astype(int).astype(str) + ", S_churn="
               + table["s_churn"].map("{:g}".format) + ", " + table["solver"])  # fmt: skip
    table = table.assign(figure=figure, panel=table["model"], setting=setting)
    return table[FRONT + [c for c in table.columns if c not in FRONT]]


def _ddpm(inputs: dict, figure: str) -> pd.DataFrame:
    table = read_tables(inputs.get("ddpm", []), DDPM)
    setting = "T=" + table["T"].astype(int).astype(str) + ", w=" + table["w"].map("{:g}".format)
    table = table.assign(figure=figure, panel=table["time_map"], setting=setting)
    return table[FRONT + [c for c in table.columns if c not in FRONT]]


def fig1(inputs: dict, options: dict) -> pd.DataFrame:
    return _edm(inputs, "fig1")


def fig2(inputs: dict, options: dict) -> pd.DataFrame:
    return _edm(inputs, "fig2")


def fig3(inputs: dict, options: dict) -> pd.DataFrame:
    return _edm(inputs, "fig3")


def fig4(inputs: dict, options: dict) -> pd.DataFrame:
    return _edm(inputs, "fig4")


def fig5(inputs: dict, options: dict) -> pd.DataFrame:
    return _ddpm(inputs, "fig5")


def figA(inputs: dict, options: dict) -> pd.DataFrame:
    return read_tables(inputs.get("accuracy", []), ACCURACY).assign(figure="figA")
