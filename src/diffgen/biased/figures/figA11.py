"""App. Fig. 11: U-turns started from uniformly random sequences, over training.

Overlap of the denoised sequence with its random start against t/T, for
several checkpoints of the trained model (colours from early to late: the
progressive alignment with BP), the memorizing empirical denoiser (red) and
the exact BP_k denoisers (grey, dashed; k = 0 is the full grammar). One panel
per size; mean ± s.e. over seeds.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked, format_n, sizes

FIGURE = "figA11"
NUMERIC = ("n", "t", "t_fraction", "mean", "se")
BP = re.compile(r"^bp(\d+)$")
EMPIRICAL = ("empirical denoiser (memorizes)", "#d62728")
NAMES = {
    "first": "first checkpoint",
    "last": "last checkpoint",
    "nn_divergence_min": "NN-div. min",
    "test_loss_min": "test-loss min",
    "epoch": "",
}


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write App. Fig. 11 as ``pdf`` and ``png``."""
    table = checked(table, FIGURE, numeric=NUMERIC, labels=("denoiser",))
    table["epoch"] = pd.to_numeric(table.get("epoch"), errors="coerce")
    checkpoint = table["checkpoint"] if "checkpoint" in table.columns else ""
    table["checkpoint"] = pd.Series(checkpoint, index=table.index).fillna("").astype(str)
    models = table[table["denoiser"] == "model"]
    epochs = sorted({int(e) for e in models["epoch"].dropna()})
    levels = sorted(int(BP.match(d).group(1)) for d in table["denoiser"].unique() if BP.match(d))
    with style_context(style):
        colors = dict(zip(epochs, draw.sequential_colors(len(epochs)), strict=True))
        grays = dict(zip(levels, np.linspace(0.0, 0.65, max(len(levels), 1)), strict=False))
        handles = [draw.key(colors[e], linewidth=1.5) for e in epochs]
        labels = [f"model, epoch {e:,}{role_text(models, e)}" for e in epochs]
        handles.append(draw.key(EMPIRICAL[1]))
        labels.append(EMPIRICAL[0])
        handles += [draw.key(str(grays[k]), "--") for k in levels]
        labels += [draw.bp(k) + (" (exact)" if k == 0 else "") for k in levels]
        ns = sizes(table)
        fig, axes = new_figure(1, len(ns), legend=labels, sharey=True)
        for ax, n in zip(axes[0], ns, strict=True):
            rows = table[table["n"] == n]
            for k in levels:
                curve = rows[rows["denoiser"] == f"bp{k}"]
                draw.band(
                    ax, curve["t_fraction"], curve["mean"], curve["se"], color=str(grays[k]),
                    linestyle="--",
                )  # fmt: skip
            curve = rows[rows["denoiser"] == "empirical"]
            draw.band(ax, curve["t_fraction"], curve["mean"], curve["se"], color=EMPIRICAL[1])
            for epoch in epochs:
                curve = rows[(rows["denoiser"] == "model") & (rows["epoch"] == epoch)]
                if not curve.empty:
                    draw.band(
                        ax, curve["t_fraction"], curve["mean"], curve["se"], color=colors[epoch],
                        linewidth=1.5,
                    )  # fmt: skip
            ax.set_title(f"n = {format_n(n)}: U-turn from uniform random sequences")
            ax.set_xlabel("t / T")
        axes[0, 0].set_ylabel("overlap with start (fraction of positions)")
        figure_legend(fig, axes, handles, labels)
        save(fig, pdf, png)


def role_text(models: pd.DataFrame, epoch: int) -> str:
    """' (test-loss min)': which configured checkpoint(s) an epoch is."""
    roles = models.loc[models["epoch"] == epoch, "checkpoint"]
    names = [NAMES.get(r, r) for role in roles.iloc[:1] for r in role.split("+") if role]
    names = [name for name in names if name]
    return f" ({', '.join(names)})" if names else ""
