"""Study 1's figure tables: per-model measurements aggregated over models.

Each builder takes the paths of its input tables by kind and the figure's
config section, reads the inputs with the columns it needs (a corrupt or
incomplete input is one line naming the file) and returns the figure table.
Figures read only these tables, so restyling a figure never recomputes anything.

The error band of each figure follows the reference implementation's choice:
Fig 4(a) s.e. over seeds as it computes it (population std / sqrt(seeds)),
Fig 4(b) ± std over seeds (population std), the sample-split KL mean ± s.e.
over model pairs, Fig 3(b) s.e. over sequences and repetitions of the
seed-averaged KL (computed by its job); the rest mean ± s.e. over seeds.
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
    "sample_split": {**dict.fromkeys(["n", "epoch", "rep", "kl_mean"], NUMBER), "pair": TEXT,
                     "same_split": BOOL},
    "score": dict.fromkeys(["n", "epoch", "models", "t", "t_fraction", "kl_mean", "kl_se"],
                           NUMBER),
    "bp_gap": dict.fromkeys(["t", "t_fraction", "k", "kl_mean", "kl_se"], NUMBER),
    "decomposition": {**dict.fromkeys([*MODEL, "epoch", "total", "l_star", "l_tilde"], NUMBER),
                      "data": TEXT, "mode": TEXT},
    "uturn": {**dict.fromkeys([*MODEL, "epoch", "t", "t_fraction", "overlap_model", "overlap_bp",
                               "ratio"], NUMBER), "reference": TEXT, "data": TEXT},
    "uturn_random": {**dict.fromkeys([*MODEL, "epoch", "t", "t_fraction", "overlap"], NUMBER),
                     "denoiser": TEXT, "checkpoint": TEXT},
}  # fmt: skip

#: Spreads: the s.e. with ddof 1, and the reference's population (ddof 0) s.e. and std.
SPREADS = {
    "se": lambda v: v.std(ddof=1) / np.sqrt(v.size) if v.size > 1 else 0.0,
    "se_pop": lambda v: v.std(ddof=0) / np.sqrt(v.size),
    "sd_pop": lambda v: v.std(ddof=0),
}


def read(inputs: dict[str, list[str]], kind: str) -> pd.DataFrame:
    """The tables of one input kind, checked for the columns the builders use."""
    return read_tables(inputs.get(kind, []), COLUMNS[kind])


def _long(table: pd.DataFrame) -> pd.DataFrame:
    return table.rename(columns={"v_mean": "mean", "v_se": "se", "v_count": "count"})


def aggregate(
    df: pd.DataFrame, by: list[str], value: str, spread: str, prefix: str
) -> pd.DataFrame:
    """Mean, ``spread`` (a :data:`SPREADS` name) and count of ``value`` per group.

    Columns ``<prefix>_mean``, ``<prefix>_<spread>``, ``<prefix>_count``.
    """
    func = SPREADS[spread]
    rows = []
    for keys, group in df.groupby(by, sort=True):
        values = group[value].dropna().to_numpy(dtype=np.float64)
        keys = keys if isinstance(keys, tuple) else (keys,)
        rows.append(
            {
                **dict(zip(by, keys, strict=True)),
                f"{prefix}_mean": values.mean() if values.size else np.nan,
                f"{prefix}_{spread}": float(func(values)) if values.size else np.nan,
                f"{prefix}_count": values.size,
            }
        )
    return pd.DataFrame(rows)


def fig4a(inputs: dict, options: dict) -> pd.DataFrame:
    """NN divergence and DSM losses per (n, epoch): mean ± s.e. over seeds, as the reference.

    The reference's s.e. is np.std (ddof 0) / sqrt(seeds); the ``*_se`` columns hold it.
    """
    nn, loss = read(inputs, "nn"), read(inputs, "loss")
    parts = [
        aggregate(frame, ["n", "epoch"], value, "se_pop", value).rename(
            columns={f"{value}_se_pop": f"{value}_se"}
        )
        for frame, value in ((nn, "nn_kl"), (loss, "test_loss"), (loss, "train_loss"))
    ]
    table = parts[0].merge(parts[1], on=["n", "epoch"]).merge(parts[2], on=["n", "epoch"])
    table["n_seeds"] = table.pop("nn_kl_count")
    return table.drop(columns=["test_loss_count", "train_loss_count"])


def sequential(inputs: dict, options: dict) -> pd.DataFrame:
    """Long table ``n, epoch, series, mean, se, count`` of oracle and sample-split KLs (Fig 1b, 6).

    Oracle series KL(BP_k ‖ model): mean ± s.e. over seeds. Sample-split series:
    each pair's KL averaged over its noise repetitions, then mean ± s.e. over the
    pairs (``count`` = pairs).
    """
    seq, split = read(inputs, "sequential"), read(inputs, "sample_split")
    seq = seq.assign(series="oracle_k" + seq["k"].astype(int).astype(str) + "_" + seq["data"])
    parts = [mean_se(seq, ["n", "epoch", "series"], "kl_mean", "v")]
    if "data" not in split.columns:  # tables written before the train panel: held-out only
        split = split.assign(data="test")
    keys = ["n", "epoch", "pair", "same_split", "data"]
    per_pair = split.groupby(keys, as_index=False)["kl_mean"].mean()
    suffix = np.where(per_pair["data"] == "train", "_train", "")
    per_pair["series"] = np.where(per_pair["same_split"], "split_same", "split_disjoint") + suffix
    parts.append(mean_se(per_pair, ["n", "epoch", "series"], "kl_mean", "v"))
    return _long(pd.concat(parts, ignore_index=True))


def fig3b(inputs: dict, options: dict) -> pd.DataFrame:
    """Long table ``series, n, epoch, t, t_fraction, mean, se`` (Fig 3b).

    Series ``model``: KL(BP_0 ‖ model) of each size at its test-loss minimum
    (the job's mean ± s.e. over sequences of the seed-averaged KL). Series
    ``bp<k>``: KL(BP_0 ‖ BP_k) on the same forward-noised data (no n or epoch).
    """
    score, gap = read(inputs, "score"), read(inputs, "bp_gap")
    model = score.assign(series="model").rename(columns={"kl_mean": "mean", "kl_se": "se"})
    bp = gap.assign(series="bp" + gap["k"].astype(int).astype(str), n=np.nan, epoch=np.nan)
    bp = bp.rename(columns={"kl_mean": "mean", "kl_se": "se"})
    columns = ["series", "n", "epoch", "t", "t_fraction", "mean", "se"]
    table = pd.concat([model[columns], bp[columns]], ignore_index=True)
    return table.sort_values(["series", "n", "t"], kind="stable", ignore_index=True)


def fig4b(inputs: dict, options: dict) -> pd.DataFrame:
    """Loss terms per (n, epoch, data, mode, term): mean ± std over seeds (the reference's band).

    ``mode``: ``fixed`` at the configured t, ``mean`` averaged over t. The std is
    np.std (ddof 0), as the reference computes it.
    """
    long = read(inputs, "decomposition").melt(
        id_vars=["n", "split", "seed", "epoch", "data", "mode"],
        value_vars=["total", "l_star", "l_tilde"],
        var_name="term",
    )
    table = aggregate(long, ["n", "epoch", "data", "mode", "term"], "value", "sd_pop", "v")
    return table.rename(columns={"v_mean": "mean", "v_sd_pop": "sd", "v_count": "count"})


def fig5(inputs: dict, options: dict) -> pd.DataFrame:
    uturn = read(inputs, "uturn")
    keys = ["n", "reference", "epoch", "t", "t_fraction", "data"]
    table = None
    for column in ("overlap_model", "overlap_bp", "ratio"):
        part = mean_se(uturn, keys, column).drop(columns=[f"{column}_count"])
        table = part if table is None else table.merge(part, on=keys)
    return table


def figA11(inputs: dict, options: dict) -> pd.DataFrame:
    """Overlaps per (n, t, denoiser[, checkpoint]): mean ± s.e. over seeds.

    Model rows keep their checkpoint (epoch and which one it is); the empirical
    and BP_k rows do not depend on the checkpoint (no epoch).
    """
    random = read(inputs, "uturn_random")
    random["checkpoint"] = random["checkpoint"].replace("nan", "")
    model = random[random["denoiser"] == "model"]
    other = random[random["denoiser"] != "model"]
    keys = ["n", "t", "t_fraction", "denoiser"]
    parts = [
        _long(mean_se(model, [*keys, "epoch", "checkpoint"], "overlap", "v")),
        _long(mean_se(other, keys, "overlap", "v")).assign(epoch=np.nan, checkpoint=""),
    ]
    return pd.concat([p for p in parts if not p.empty], ignore_index=True)
