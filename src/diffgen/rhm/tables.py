"""Study 5's figure tables: per-run measurements aggregated over seeds (mean ± s.e.).

Each builder takes its input tables by kind and the figure's config section,
reads them with the columns it needs (a corrupt or incomplete input is one
line naming the file) and returns a long table ``..., quantity, mean, se,
count``. Chance levels (uniform leaves) and the ideal copy rate P/Pmax are
rows of their own, so every line a figure draws is in its table.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from diffgen.core.errors import InputFileError
from diffgen.core.tables import NUMBER, TEXT, mean_se, read_tables
from diffgen.rhm.rules import Shape

RUN = {"grammar": TEXT, **dict.fromkeys(["P", "seed"], NUMBER)}
COLUMNS = {
    "measure": {**RUN, **dict.fromkeys(["step", "epoch", "valid_1", "copies", "new_valid",
                                         "loss_ema"], NUMBER)},
    "keep": {**RUN, "source": TEXT, **dict.fromkeys(["step", "t", "eps", "level", "keep",
                                                      "keep_se"], NUMBER)},
    "fluct": {**RUN, "source": TEXT, **dict.fromkeys(["step", "t", "eps", "r", "chi", "corr"],
                                                      NUMBER)},
}  # fmt: skip
MEASURED = re.compile(r"^(valid_\d+|copies|new_valid|loss_ema|(train|test)_loss(_w\d+)?)$")


def read(inputs: dict[str, list[str]], kind: str) -> pd.DataFrame:
    return read_tables(inputs.get(kind, []), COLUMNS[kind])


def shape(name: str) -> Shape:
    try:
        return Shape.from_name(name)
    except ValueError as err:
        raise InputFileError(f"measurement tables name an unknown grammar: {err}") from None


def _long(frame: pd.DataFrame, keys: list[str], quantities: list[str]) -> pd.DataFrame:
    """mean ± s.e. over seeds of each quantity, stacked."""
    parts = []
    for quantity in quantities:
        part = mean_se(frame.dropna(subset=[quantity]), keys, quantity, "v")
        parts.append(part.assign(quantity=quantity))
    table = pd.concat(parts, ignore_index=True)
    return table.rename(columns={"v_mean": "mean", "v_se": "se", "v_count": "count"})


def _constants(keys: pd.DataFrame, sh: Shape) -> pd.DataFrame:
    """Chance validity per level and the ideal copy rate, on every row of ``keys``."""
    values = {f"chance_{h}": r for h, r in enumerate(sh.chance_validity(), start=1)}
    parts = []
    for quantity, value in values.items():
        parts.append(keys.assign(quantity=quantity, mean=value, se=0.0, count=1))
    parts.append(keys.assign(quantity="copies_ideal", mean=keys["P"] / sh.pmax, se=0.0, count=1))
    return pd.concat(parts, ignore_index=True)


def fig1(inputs: dict, options: dict) -> pd.DataFrame:
    """Per checkpoint (step, epoch): every measured quantity over seeds, and the constants."""
    measure = read(inputs, "measure")
    quantities = [c for c in measure.columns if MEASURED.match(c)]
    keys = ["grammar", "P", "step", "epoch"]
    table = _long(measure, keys, quantities)
    constant_rows = []
    for name, rows in table[keys].drop_duplicates().groupby("grammar"):
        constant_rows.append(_constants(rows, shape(name)))
    return pd.concat([table, *constant_rows], ignore_index=True)


def fig2(inputs: dict, options: dict) -> pd.DataFrame:
    """Per P at each run's last checkpoint: validity per level, copies, losses; constants."""
    measure = read(inputs, "measure")
    last = measure.groupby(["grammar", "P", "seed"])["step"].transform("max")
    final = measure[measure["step"] == last]
    quantities = [c for c in final.columns if MEASURED.match(c) and "_w" not in c]
    keys = ["grammar", "P", "step"]
    table = _long(final, keys, quantities)
    constant_rows = []
    for name, rows in table[keys].drop_duplicates().groupby("grammar"):
        constant_rows.append(_constants(rows, shape(name)))
    return pd.concat([table, *constant_rows], ignore_index=True)


def fig3(inputs: dict, options: dict) -> pd.DataFrame:
    """keep_ℓ(t) per source (bp, model) and grammar; over seeds (one run: s.e. over strings)."""
    keep = read(inputs, "keep")
    keys = ["source", "grammar", "P", "step", "t", "eps", "level"]
    grouped = keep.groupby(keys, sort=True)
    table = grouped["keep"].agg(["mean", "count"]).reset_index()
    spread = grouped["keep"].agg(lambda v: v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1 else 0)
    within = grouped["keep_se"].first()
    table["se"] = np.where(table["count"] > 1, spread.to_numpy(), within.to_numpy())
    table["L"] = [shape(name).L for name in table["grammar"]]
    return table


def fig4(inputs: dict, options: dict) -> pd.DataFrame:
    """χ(t) per source and grammar, and C(r) at the t of the largest mean χ."""
    fluct = read(inputs, "fluct")
    keys = ["source", "grammar", "P", "step"]
    chi_rows = fluct.drop_duplicates([*keys, "seed", "t"])
    chi = _long(chi_rows, [*keys, "t", "eps"], ["chi"]).assign(kind="chi", r=np.nan)
    parts = [chi]
    for key, curve in chi.groupby(keys):
        peak = curve.loc[curve["mean"].idxmax()]
        at = fluct[(fluct[keys] == pd.Series(key, index=keys)).all(axis=1)]
        at = at[at["t"] == peak["t"]]
        parts.append(_long(at, [*keys, "t", "eps", "r"], ["corr"]).assign(kind="corr"))
    table = pd.concat(parts, ignore_index=True).drop(columns=["quantity"])
    table["boot_se"] = _bootstrap_se(fluct, table, keys)
    table["d"] = [shape(name).d for name in table["grammar"]]
    return table


def _bootstrap_se(fluct: pd.DataFrame, table: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Per row of the fig4 table: the runs' bootstrap s.e. over strings, combined over seeds
    as the s.e. of their mean (√(Σ se²)/count); NaN for tables written without it."""
    out = np.full(len(table), np.nan)
    if "chi_se" not in fluct.columns:
        return out
    for column, kind in (("chi_se", "chi"), ("corr_se", "corr")):
        at = ["t"] if kind == "chi" else ["t", "r"]
        rows = fluct.drop_duplicates([*keys, "seed", "t"]) if kind == "chi" else fluct
        combined = rows.groupby([*keys, *at])[column].agg(
            lambda s: float(np.sqrt((s**2).sum()) / len(s))
        )
        mask = (table["kind"] == kind).to_numpy()
        index = pd.MultiIndex.from_frame(table.loc[mask, [*keys, *at]])
        out[mask] = combined.reindex(index).to_numpy()
    return out
