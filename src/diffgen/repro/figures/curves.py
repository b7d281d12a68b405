"""Fig 2 and Fig 4: RP and GL against the training-set size N (log 2 axis)."""

from __future__ import annotations

import pandas as pd

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked


def _panel(ax, rows: pd.DataFrame, ylabel: str, title: str, handles: dict) -> None:
    series = sorted(rows["series"].unique())
    colors = draw.cycle_colors(len(series))
    for name, color in zip(series, colors, strict=True):
        line = rows[rows["series"] == name].sort_values("N")
        (handle,) = ax.plot(line["N"], line["value"], "o-", color=color, markersize=3)
        handles.setdefault(name, handle)
    ax.set_xscale("log", base=2)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("training samples N")
    ax.set_ylabel(ylabel)
    ax.set_title(title)


def plot_fig2(table, pdf, png, style=None, options=None) -> None:
    """Fig 2: (a) RP of width pairs, (b) GL per width, against N."""
    table = checked(table, "fig2", numeric=("N", "value"), labels=("panel", "series"))
    with style_context(style):
        handles: dict = {}
        labels = sorted(table["series"].unique())
        fig, axes = new_figure(1, 2, legend=labels)
        _panel(axes[0, 0], table[table["panel"] == "rp"], "RP score", "(a) reproducibility",
               handles)  # fmt: skip
        _panel(axes[0, 1], table[table["panel"] == "gl"], "GL score", "(b) generalization",
               handles)  # fmt: skip
        names = list(handles)
        figure_legend(fig, axes, [handles[n] for n in names], names)
        save(fig, pdf, png)


def plot_fig4(table, pdf, png, style=None, options=None) -> None:
    """Fig 4: RP of each width against the empirical optimal denoiser D_N."""
    table = checked(table, "fig4", numeric=("N", "value"), labels=("series",))
    with style_context(style):
        handles: dict = {}
        labels = sorted(table["series"].unique())
        fig, axes = new_figure(1, 1, legend=labels)
        _panel(axes[0, 0], table, "RP(net, D_N)", "reproducibility against D_N", handles)
        names = list(handles)
        figure_legend(fig, axes, [handles[n] for n in names], names)
        save(fig, pdf, png)
