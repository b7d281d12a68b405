"""τ_cos and τ_loss: the epochs of the smallest sample distance and of the smallest test loss.

Both are taken on the generation checkpoints, from model-averaged curves:
distance = 1 − similarity, the median over pairs; test loss, the median over
models (the reference's ``cos_dis_aggregate``). One rule writes them to JSON;
figures and the acceptance check read that file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffgen.core.errors import InputFileError


def median_curve(table: pd.DataFrame, value: str) -> pd.DataFrame:
    """Per epoch: median of ``value`` over its rows (models, pairs), s.e. std/√count, count."""

    def summary(values: pd.Series) -> pd.Series:
        v = values.dropna().to_numpy(dtype=np.float64)
        se = v.std(ddof=1) / np.sqrt(v.size) if v.size > 1 else 0.0
        return pd.Series({"median": np.median(v), "se": se, "count": v.size})

    rows = table.groupby("epoch")[value].apply(summary).unstack().reset_index()
    rows["count"] = rows["count"].astype(int)
    return rows


def distance_curve(similarity: pd.DataFrame) -> pd.DataFrame:
    return median_curve(similarity.assign(distance=1.0 - similarity["similarity"]), "distance")


def loss_curve(loss: pd.DataFrame, column: str, epochs: list[int]) -> pd.DataFrame:
    """Median over models of ``column`` at ``epochs``; every model must have every epoch."""
    models = sorted(loss["split"].unique())
    present = loss[loss["epoch"].isin(epochs)]
    counts = present.groupby("epoch")["split"].nunique()
    missing = [e for e in epochs if counts.get(e, 0) != len(models)]
    if missing:
        raise InputFileError(
            f"loss tables lack epoch {missing[0]} for some of the {len(models)} models"
        )
    return median_curve(present, column)


def reference_epochs(similarity: pd.DataFrame, loss: pd.DataFrame) -> dict:
    """τ_cos, τ_loss and the curves' values there (epochs: those of ``similarity``)."""
    distance = distance_curve(similarity)
    epochs = [int(e) for e in distance["epoch"]]
    test = loss_curve(loss, "test_loss", epochs)
    i, j = int(distance["median"].idxmin()), int(test["median"].idxmin())
    tau_cos, tau_loss = int(distance["epoch"][i]), int(test["epoch"][j])
    return {
        "tau_cos": tau_cos,
        "tau_loss": tau_loss,
        "distance_at_tau_cos": float(distance["median"][i]),
        "test_loss_at_tau_loss": float(test["median"][j]),
        "generation_epochs": epochs,
        "tau_cos_before_tau_loss": tau_cos < tau_loss,
    }
