"""Fig 1: learning the grammar level by level, then copying (R1, the reference notebook).

(a) The share of valid nodes h levels above the leaves (h = 1 pairs of leaves,
h = L the whole string), the copies of training strings and the new valid
strings of fix-noise samples, against training epochs, with the chance values
of uniform leaves (dotted) and the ideal copy rate P/Pmax. (b) Train loss,
batch-loss EMA and test loss (means over the 10 time windows). (c) The test
loss of each time window relative to its value at the first measured
checkpoint (the windows' losses span decades): which noise levels are learnt
when.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked, format_n
from diffgen.rhm.figures.common import grammar_label, grammar_shape, level_color

FIGURE = "fig1"
NUMERIC = ("P", "step", "epoch", "mean", "se", "count")
WINDOW = "test_loss_w"


def curve(table: pd.DataFrame, quantity: str) -> pd.DataFrame:
    return table[table["quantity"] == quantity].sort_values("epoch")


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write Fig 1 as ``pdf`` and ``png``."""
    table = checked(table, FIGURE, numeric=NUMERIC, labels=("grammar", "quantity"))
    names = sorted(table["grammar"].unique())
    if len(names) != 1:
        raise ValueError(f"{FIGURE} table holds grammars {names}; expected one")
    sh = grammar_shape(names[0], FIGURE)
    P = int(table["P"].iloc[0])
    seeds = int(curve(table, "valid_1")["count"].max())
    with style_context(style):
        loss_colors = draw.cycle_colors(3)
        handles, labels = [], []
        for h in range(1, sh.L + 1):
            handles.append(draw.key(level_color(sh.L - h, sh.L)))
            labels.append(f"valid, h = {h}" + (" (whole string)" if h == sh.L else ""))
        handles += [draw.key("0.45", ":"), draw.key("black", (0, (1, 1))), draw.key("0.35", "--"),
                    draw.key("black", (0, (6, 2)), 0.6)]  # fmt: skip
        labels += ["chance (uniform leaves)", "copies of training strings", "new valid strings",
                   "ideal copy rate P/Pmax"]  # fmt: skip
        handles += [
            draw.key(loss_colors[0]),
            draw.key(loss_colors[0], "--"),
            draw.key(loss_colors[1]),
        ]
        labels += ["train loss", "batch-loss EMA", "test loss"]
        fig, axes = new_figure(1, 3, legend=labels, legend_ncols=4)
        validity_panel(axes[0, 0], table, sh)
        loss_panel(axes[0, 1], table, loss_colors)
        window_panel(fig, axes[0, 2], table)
        fig.suptitle(
            f"RHM {grammar_label(sh)}, P = {format_n(P)}, {seeds} seed{'s' * (seeds != 1)}",
            fontsize=8.5,
        )
        figure_legend(fig, axes, handles, labels, ncols=4)
        save(fig, pdf, png)


def validity_panel(ax, table: pd.DataFrame, sh) -> None:
    draw.log_epochs(ax)
    for h in range(1, sh.L + 1):
        color = level_color(sh.L - h, sh.L)
        rows = curve(table, f"valid_{h}")
        draw.band(ax, rows["epoch"], rows["mean"], rows["se"], color=color)
        chance = curve(table, f"chance_{h}")
        if not chance.empty:
            ax.axhline(chance["mean"].iloc[0], color=color, linestyle=":", linewidth=0.9)
    for quantity, color, linestyle in (
        ("copies", "black", (0, (1, 1))),
        ("new_valid", "0.35", "--"),
    ):
        rows = curve(table, quantity)
        draw.band(ax, rows["epoch"], rows["mean"], rows["se"], color=color, linestyle=linestyle)
    ideal = curve(table, "copies_ideal")
    if not ideal.empty:
        ax.axhline(ideal["mean"].iloc[0], color="black", linestyle=(0, (6, 2)), linewidth=0.6)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("fraction of samples / nodes")
    ax.set_title("(a) validity per level, copies")


def loss_panel(ax, table: pd.DataFrame, colors: list) -> None:
    draw.log_epochs(ax)
    styles = (("train_loss", colors[0], "-"), ("loss_ema", colors[0], "--"),
              ("test_loss", colors[1], "-"))  # fmt: skip
    for quantity, color, linestyle in styles:
        rows = curve(table, quantity)
        if not rows.empty:
            draw.band(ax, rows["epoch"], rows["mean"], rows["se"], color=color, linestyle=linestyle)
    draw.log_y(ax)
    ax.set_ylabel("KL loss (nats / token)")
    ax.set_title("(b) losses")


def window_panel(fig, ax, table: pd.DataFrame) -> None:
    """Test loss per time window, coloured by the window's noise level."""
    draw.log_epochs(ax)
    windows = sorted(
        int(q[len(WINDOW) :]) for q in table["quantity"].unique() if q.startswith(WINDOW)
    )
    if not windows:
        draw.empty_panel(ax, "no test strings")
        return
    norm = Normalize(0, max(windows[-1], 1))
    cmap = "plasma"
    for w in windows:
        rows = curve(table, f"{WINDOW}{w}")
        rows = rows[rows["mean"] > 0]
        if rows.empty:
            continue
        color = ScalarMappable(norm, cmap).to_rgba(w)
        ax.plot(rows["epoch"], rows["mean"] / rows["mean"].iloc[0], color=color, linewidth=0.9)
    ax.axhline(1.0, color="0.6", linewidth=0.6, zorder=0)
    draw.log_y(ax)
    bar = fig.colorbar(ScalarMappable(norm, cmap), ax=ax, pad=0.02, fraction=0.06)
    bar.set_label("time window w: t ∈ [wT/10, (w+1)T/10)")
    bar.set_ticks(np.arange(0, windows[-1] + 1, 3))
    ax.set_ylabel("test loss / its first value")
    ax.set_title("(c) test loss per time window, relative")
