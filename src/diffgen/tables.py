"""Figure tables: per-model measurement tables aggregated over seeds (mean ± s.e.).

Figures read only these tables, so restyling a figure never recomputes anything.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputFileError


def read_tables(paths: list[str]) -> pd.DataFrame:
    """Concatenate CSV tables; a missing or empty file is a one-line error."""
    frames = []
    for path in paths:
        try:
            frames.append(pd.read_csv(path))
        except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            raise InputFileError(f"{path}: unreadable table ({type(err).__name__})") from None
    if not frames:
        raise InputFileError("no input tables given")
    return pd.concat(frames, ignore_index=True)


def _se(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else 0.0


def mean_se(df: pd.DataFrame, by: list[str], value: str, prefix: str | None = None) -> pd.DataFrame:
    """Group, then mean and standard error of ``value`` over the rows of each group."""
    prefix = prefix or value
    grouped = df.groupby(by, sort=True)[value]
    out = grouped.agg(["mean", _se, "count"]).reset_index()
    return out.rename(
        columns={"mean": f"{prefix}_mean", "_se": f"{prefix}_se", "count": f"{prefix}_count"}
    )


def common_epochs(df: pd.DataFrame, model_cols: list[str]) -> pd.DataFrame:
    """Keep epochs present for every model, so averages are over the same seeds."""
    models = df[model_cols].drop_duplicates().shape[0]
    keep = df.groupby(["n", "epoch"])[model_cols].apply(
        lambda g: g.drop_duplicates().shape[0] == models
    )
    keep = keep[keep].reset_index()[["n", "epoch"]]
    return df.merge(keep, on=["n", "epoch"])


def fig4a(nn: pd.DataFrame, loss: pd.DataFrame) -> pd.DataFrame:
    """NN divergence and DSM losses per (n, epoch), over seeds."""
    a = mean_se(nn, ["n", "epoch"], "nn_kl")
    b = mean_se(loss, ["n", "epoch"], "test_loss")
    c = mean_se(loss, ["n", "epoch"], "train_loss")
    table = a.merge(b, on=["n", "epoch"]).merge(c, on=["n", "epoch"])
    table["n_seeds"] = table.pop("nn_kl_count")
    return table.drop(columns=["test_loss_count", "train_loss_count"])


def sequential(seq: pd.DataFrame, split: pd.DataFrame) -> pd.DataFrame:
    """Long table ``n, epoch, series, mean, se`` of oracle and sample-split KLs."""
    seq = seq.assign(series="oracle_k" + seq["k"].astype(str) + "_" + seq["data"])
    parts = [mean_se(seq, ["n", "epoch", "series"], "kl_mean", "v")]
    split = split.assign(
        series=np.where(split["same_split"].astype(bool), "split_same", "split_disjoint")
    )
    parts.append(mean_se(split, ["n", "epoch", "series"], "kl_mean", "v"))
    table = pd.concat(parts, ignore_index=True)
    return table.rename(columns={"v_mean": "mean", "v_se": "se", "v_count": "count"})


def fig3b(score: pd.DataFrame) -> pd.DataFrame:
    table = mean_se(score, ["n", "epoch", "t", "t_fraction", "k"], "kl_mean", "v")
    return table.rename(columns={"v_mean": "mean", "v_se": "se", "v_count": "count"})


def fig4b(dec: pd.DataFrame) -> pd.DataFrame:
    long = dec.melt(
        id_vars=["n", "split", "seed", "epoch", "data"],
        value_vars=["total", "l_star", "l_tilde"],
        var_name="term",
    )
    table = mean_se(long, ["n", "epoch", "data", "term"], "value", "v")
    return table.rename(columns={"v_mean": "mean", "v_se": "se", "v_count": "count"})


def fig5(uturn: pd.DataFrame) -> pd.DataFrame:
    keys = ["n", "reference", "epoch", "t", "t_fraction", "data"]
    table = None
    for column in ("overlap_model", "overlap_bp", "ratio"):
        part = mean_se(uturn, keys, column).drop(columns=[f"{column}_count"])
        table = part if table is None else table.merge(part, on=keys)
    return table


def figA11(random: pd.DataFrame) -> pd.DataFrame:
    table = mean_se(random, ["n", "epoch", "t", "t_fraction", "denoiser"], "overlap", "v")
    return table.rename(columns={"v_mean": "mean", "v_se": "se", "v_count": "count"})


def minimum_epoch(df: pd.DataFrame, value: str, model_cols: list[str]) -> int:
    """Epoch of the minimum of the seed-averaged ``value`` (epochs common to all models)."""
    df = common_epochs(df, model_cols)
    if df.empty:
        raise InputFileError(f"no checkpoint epoch is common to every model for {value}")
    means = df.groupby("epoch")[value].mean()
    return int(means.idxmin())
