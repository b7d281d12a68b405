"""Study 4's figure tables: measurement rows stacked with the spec's columns.

Columns first: figure, panel, model, rho, effective_rho, setting, k, n, rho_model,
ci_low, ci_high; then each setting's own columns. An EDM row belongs to every
panel of the figure's options whose network variant, classes, ρ, class size and
sampler setting it has (one trained model may serve several panels and figures).
"""

from __future__ import annotations

import math

import pandas as pd

from diffgen.core.tables import NUMBER, TEXT, read_tables

MEASURE = {
    **dict.fromkeys(
        ["rho", "effective_rho", "class_size", "k", "n", "rho_model", "ci_low", "ci_high"], NUMBER
    ),
}
EDM = {
    **MEASURE, "run": TEXT, "variant": TEXT, "classes": TEXT, "solver": TEXT,
    **dict.fromkeys(["K", "steps", "s_churn", "per_class"], NUMBER),
}  # fmt: skip
DDPM = {**MEASURE, "time_map": TEXT, **dict.fromkeys(["T", "w", "steps"], NUMBER)}
ACCURACY = dict.fromkeys(["sigma", "class", "n", "accuracy"], NUMBER) | {"aligned": TEXT}
#: The columns each kind of measurement table holds (checked while the DAG is planned).
COLUMNS = {"edm": EDM, "ddpm": DDPM, "accuracy": ACCURACY}
FRONT = ["figure", "panel", "model", "rho", "effective_rho", "setting", "k", "n", "rho_model",
         "ci_low", "ci_high"]  # fmt: skip


def _in(value: float, allowed) -> bool:
    return any(math.isclose(float(value), float(a), abs_tol=1e-12) for a in allowed)


def _belongs(row, panel: dict) -> bool:
    sizes = [str(s) if s is not None else "all" for s in panel.get("class_size", [None])]
    return (
        row["variant"] == panel["model"]
        and row["classes"] == "-".join(map(str, panel["classes"]))
        and str(row["no_digit"]) == str(panel.get("no_digit", False))
        and str(row["size"]) in sizes
        and _in(row["rho"], panel["rho"])
        and row["solver"] in panel.get("solvers", ["heun"])
        and _in(row["steps"], panel["steps"])
        and _in(row["s_churn"], panel["s_churn"])
        and int(row["per_class"]) == panel["per_class"]
    )


def _edm(inputs: dict, options: dict, figure: str) -> pd.DataFrame:
    table = read_tables(inputs.get("edm", []), EDM)
    parts = []
    for panel in options.get("panels", []):
        rows = table[table.apply(_belongs, axis=1, panel=panel)] if len(table) else table
        parts.append(rows.assign(panel=panel["name"]))
    table = pd.concat(parts, ignore_index=True) if parts else table.assign(panel=[])
    setting = ("N=" + table["steps"].astype(int).astype(str) + ", S_churn="
               + table["s_churn"].map("{:g}".format) + ", " + table["solver"])  # fmt: skip
    table = table.assign(figure=figure, model=table["variant"], setting=setting)
    return table[FRONT + [c for c in table.columns if c not in FRONT]]


def _ddpm(inputs: dict, figure: str) -> pd.DataFrame:
    table = read_tables(inputs.get("ddpm", []), DDPM)
    setting = "T=" + table["T"].astype(int).astype(str) + ", w=" + table["w"].map("{:g}".format)
    table = table.assign(figure=figure, panel=table["time_map"], model="ε-UNet", setting=setting)
    table = table[FRONT + [c for c in table.columns if c not in FRONT]]
    return table.sort_values(["T", "w"]).reset_index(drop=True)


def fig1(inputs: dict, options: dict) -> pd.DataFrame:
    return _edm(inputs, options, "fig1")


def fig2(inputs: dict, options: dict) -> pd.DataFrame:
    return _edm(inputs, options, "fig2")


def fig3(inputs: dict, options: dict) -> pd.DataFrame:
    return _edm(inputs, options, "fig3")


def fig4(inputs: dict, options: dict) -> pd.DataFrame:
    return _edm(inputs, options, "fig4")


def fig5(inputs: dict, options: dict) -> pd.DataFrame:
    return _ddpm(inputs, "fig5")


def figA(inputs: dict, options: dict) -> pd.DataFrame:
    return read_tables(inputs.get("accuracy", []), ACCURACY).assign(figure="figA")
