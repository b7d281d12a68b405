"""Fig. 4(a): nearest-neighbour divergence and DSM losses against training epochs.

One panel per size. Left axis: KL between the histograms of Hamming distances
to the nearest training sequence (generated vs fresh test sequences). Right
axis: test and train loss. The dashed lines mark the two minima whose order is
the paper's claim (NN divergence first, test loss later).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import argmin_epoch, checked, format_n, sizes

FIGURE = "fig4a"
COLUMNS = (
    "n",
    "epoch",
    "nn_kl_mean",
    "nn_kl_se",
    "test_loss_mean",
    "test_loss_se",
    "train_loss_mean",
    "train_loss_se",
    "n_seeds",
)


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write Fig. 4(a) as ``pdf`` and ``png``."""
    table = checked(table, FIGURE, numeric=COLUMNS)
    ns = sizes(table)
    with style_context(style):
        nn_color, test_color, train_color = draw.cycle_colors(3)
        handles = [
            draw.key(nn_color),
            draw.key(test_color),
            draw.key(train_color, "-."),
            draw.key(nn_color, "--"),
            draw.key(test_color, "--"),
        ]
        labels = [
            "NN divergence (left axis)",
            "test loss (right axis)",
            "train loss (right axis)",
            "NN-divergence minimum",
            "test-loss minimum",
        ]
        fig, axes = new_figure(1, len(ns), legend=labels)
        for ax, n in zip(axes[0], ns, strict=True):
            rows = table[table["n"] == n].sort_values("epoch")
            panel(ax, rows, n, (nn_color, test_color, train_color))
        figure_legend(fig, axes, handles, labels)
        save(fig, pdf, png)


def panel(ax, rows: pd.DataFrame, n: int, colors: tuple) -> None:
    """One size: NN divergence on the left axis, losses on a twin right axis."""
    draw.log_epochs(ax)  # before plotting: a lone epoch then autoscales cleanly
    nn_color, test_color, train_color = colors
    epochs = rows["epoch"].to_numpy()
    draw.band(ax, epochs, rows["nn_kl_mean"], rows["nn_kl_se"], color=nn_color)
    loss_ax = ax.twinx()
    draw.show_right_spine(loss_ax)
    draw.band(loss_ax, epochs, rows["test_loss_mean"], rows["test_loss_se"], color=test_color)
    draw.band(
        loss_ax,
        epochs,
        rows["train_loss_mean"],
        rows["train_loss_se"],
        color=train_color,
        linestyle="-.",
    )
    nn_min = argmin_epoch(epochs, rows["nn_kl_mean"].to_numpy())
    test_min = argmin_epoch(epochs, rows["test_loss_mean"].to_numpy())
    draw.mark_x(ax, nn_min, color=nn_color)
    draw.mark_x(ax, test_min, color=test_color)
    if (rows["nn_kl_mean"] > 0).all():
        draw.log_y(ax)
    ax.set_ylabel("NN divergence, KL (nats)")
    loss_ax.set_ylabel("cross-entropy (nats / token)")
    ax.set_title(f"n = {format_n(n)}{seeds_text(rows)}\n{minima_text(nn_min, test_min)}")


def seeds_text(rows: pd.DataFrame) -> str:
    """', 15 seeds' when the table says how many seeds the means are over."""
    seeds = rows["n_seeds"].to_numpy()
    if not np.isfinite(seeds).any():
        return ""
    count = int(np.nanmax(seeds))
    return f", {count} seed{'s' if count != 1 else ''}"


def minima_text(nn_min: int | None, test_min: int | None) -> str:
    """Second title line: the epochs the dashed lines mark."""

    def epoch(value: int | None) -> str:
        return "–" if value is None else f"{value:,}"

    return f"NN-div. min: ep. {epoch(nn_min)} · test min: ep. {epoch(test_min)}"
