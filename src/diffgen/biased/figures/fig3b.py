"""Fig. 3(b): score divergence KL(BP_k ‖ model) along diffusion time.

One panel per k, one curve per size, each at that size's test-loss-minimum
checkpoint (the epoch is in the legend). The divergence is expected to peak
near the critical time t/T ≈ 0.15, marked by a dotted line.
"""

from __future__ import annotations

import math

import pandas as pd

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked, format_n

FIGURE = "fig3b"
COLUMNS = ("n", "epoch", "t", "t_fraction", "k", "mean", "se")
MAX_COLUMNS = 3
CRITICAL_STYLE = (0, (1, 1.5))


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write Fig. 3(b) as ``pdf`` and ``png``."""
    table = checked(table, FIGURE, numeric=COLUMNS)
    levels = sorted(int(k) for k in table["k"].unique())
    curves = sorted({(int(n), int(e)) for n, e in zip(table["n"], table["epoch"], strict=True)})
    ncols = min(MAX_COLUMNS, len(levels))
    nrows = math.ceil(len(levels) / ncols)
    spare = nrows * ncols - len(levels)
    with style_context(style):
        colors = dict(zip(curves, draw.cycle_colors(len(curves)), strict=True))
        handles = [draw.key(colors[c]) for c in curves]
        labels = [f"n = {format_n(n)}, epoch {epoch:,}" for n, epoch in curves]
        handles.append(draw.key("0.3", CRITICAL_STYLE))
        labels.append(f"critical time, t/T = {draw.CRITICAL_FRACTION}")
        fig, axes = new_figure(nrows, ncols, legend=() if spare else labels, sharex=True)
        flat = axes.ravel()
        for ax, k in zip(flat, levels, strict=False):
            panel(ax, table[table["k"] == k], curves, colors)
            ax.set_title(f"KL({draw.bp(k)} ‖ model)" + (", exact BP" if k == 0 else ""))
        for row in axes:
            row[0].set_ylabel("KL divergence (nats)")
        if spare:
            legend_in_spare_slots(flat[len(levels) :], handles, labels)
        else:
            figure_legend(fig, axes, handles, labels)
        save(fig, pdf, png)


def panel(ax, rows: pd.DataFrame, curves: list, colors: dict) -> None:
    """One k: a curve per (size, checkpoint) against t/T, log-scaled divergence."""
    for n, epoch in curves:
        curve = rows[(rows["n"] == n) & (rows["epoch"] == epoch)]
        if not curve.empty:
            draw.band(ax, curve["t_fraction"], curve["mean"], curve["se"], color=colors[n, epoch])
    draw.mark_x(ax, draw.CRITICAL_FRACTION, color="0.3", linestyle=CRITICAL_STYLE)
    draw.log_y(ax)
    fractions = rows["t_fraction"]
    if not fractions.empty:  # the whole diffusion, 0..1, unless the table reaches beyond it
        ax.set_xlim(min(0.0, fractions.min()), max(1.0, fractions.max()))
    ax.set_xlabel("t / T")
    ax.tick_params(labelbottom=True)


def legend_in_spare_slots(spare_axes, handles: list, labels: list[str]) -> None:
    """Use the empty grid cells after the last k for the legend instead of extra height."""
    for ax in spare_axes:
        ax.set_axis_off()
    spare_axes[0].legend(handles, labels, loc="center", title="test-loss minimum of each size")
