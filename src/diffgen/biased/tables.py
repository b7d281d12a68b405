"""Study 1's figure tables: per-model measurements aggregated over seeds (mean ± s.e.).

Each builder takes the paths of its input tables by kind and the figure's
config section, reads the inputs with the columns it needs (a corrupt or
incomplete input is one line naming the file) and returns the figure table.
Figures read only these tables, so restyling a figure never recomputes anything.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffgen.core.tables import BOOL, NUMBER, TEXT, mean_se, read_tables

MODEL = ["n", "split", "seed"]

#: Columns each kind of per-model table must hold (the jobs write them).
COLUMNS = {
    "nn": {**dict.fromkeys([*MODEL, "epoch", "nn_kl"], NUMBER)},
    "loss": dict.fromkeys([*MODEL, "epoch", "test_loss", "train_loss"], NUMBER),
    "sequential": {**dict.fromkeys([*MODEL, "epoch", "k", "kl_mean"], NUMBER), "data": TEXT},
    "sample_split": {**dict.fromkeys(["n", "epoch", "kl_mean"], NUMBER), "pair": TEXT,
                     "same_split": BOOL},
    "score": dict.fromkeys([*MODEL, "epoch", "t", "t_fraction", "k", "kl_mean"], NUMBER),
    "decomposition": {**dict.fromkeys([*MODEL, "epoch", "total", "l_star", "l_tilde"], NUMBER),
                      "data": TEXT},
    "uturn": {**dict.fromkeys([*MODEL, "epoch", "t", "t_fraction", "overlap_model", "overlap_bp",
                               "ratio"], NUMBER), "reference": TEXT, "data": TEXT},
    "uturn_random": {**dict.fromkeys([*MODEL, "epoch", "t", "t_fraction", "overlap"], NUMBER),
                     "denoiser": TEXT},
}  # fmt: skip


def read(inputs: dict[str, list[str]], kind: str) -> pd.DataFrame:
    """The tables of one input kind, checked for the columns the builders use."""
    return read_tables(inputs.get(kind, []), COLUMNS[kind])


def _long(table: pd.DataFrame) -> pd.DataFrame:
    return table.rename(columns={"v_mean": "mean", "v_se": "se", "v_count": "count"})


def fig4a(inputs: dict, options: dict) -> pd.DataFrame:
    """NN divergence and DSM losses per (n, epoch), over seeds."""
    nn, loss = read(inputs, "nn"), read(inputs, "loss")
    a = mean_se(nn, ["n", "epoch"], "nn_kl")
    b = mean_se(loss, ["n", "epoch"], "test_loss")
    c = mean_se(loss, ["n", "epoch"], "train_loss")
    table = a.merge(b, on=["n", "epoch"]).merge(c, on=["n", "epoch"])
    table["n_seeds"] = table.pop("nn_kl_count")
    return table.drop(columns=["test_loss_count", "train_loss_count"])


def sequential(inputs: dict, options: dict) -> pd.DataFrame:
    """Long table ``n, epoch, series, mean, se`` of oracle and sample-split KLs (Fig 1b, 6)."""
    seq, split = read(inputs, "sequential"), read(inputs, "sample_split")
    seq = seq.assign(series="oracle_k" + seq["k"].astype(str) + "_" + seq["data"])
    parts = [mean_se(seq, ["n", "epoch", "series"], "kl_mean", "v")]
    split = split.assign(
        series=np.where(split["same_split"].astype(bool), "split_same", "split_disjoint")
    )
    parts.append(mean_se(split, ["n", "epoch", "series"], "kl_mean", "v"))
    return _long(pd.concat(parts, ignore_index=True))


def fig3b(inputs: dict, options: dict) -> pd.DataFrame:
    score = read(inputs, "score")
    return _long(mean_se(score, ["n", "epoch", "t", "t_fraction", "k"], "kl_mean", "v"))


def fig4b(inputs: dict, options: dict) -> pd.DataFrame:
    long = read(inputs, "decomposition").melt(
        id_vars=["n", "split", "seed", "epoch", "data"],
        value_vars=["total", "l_star", "l_tilde"],
        var_name="term",
    )
    return _long(mean_se(long, ["n", "epoch", "data", "term"], "value", "v"))


def fig5(inputs: dict, options: dict) -> pd.DataFrame:
    uturn = read(inputs, "uturn")
    keys = ["n", "reference", "epoch", "t", "t_fraction", "data"]
    table = None
    for column in ("overlap_model", "overlap_bp", "ratio"):
        part = mean_se(uturn, keys, column).drop(columns=[f"{column}_count"])
        table = part if table is None else table.merge(part, on=keys)
    return table


def figA11(inputs: dict, options: dict) -> pd.DataFrame:
    random = read(inputs, "uturn_random")
    return _long(mean_se(random, ["n", "epoch", "t", "t_fraction", "denoiser"], "overlap", "v"))
