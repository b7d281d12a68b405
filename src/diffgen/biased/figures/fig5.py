"""Fig. 5: U-turn overlaps, model relative to exact BP, on training vs test sequences.

Per size two rows: the ratio of model to BP overlap (upper) and the raw
overlaps (lower); columns are the reference checkpoints (NN-divergence minimum,
test-loss minimum). In the biased phase the training curve sits above the test
curve: the model denoises back to its own training sequences more than BP does.
"""

from __future__ import annotations

import pandas as pd

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked, format_n, ordered, single_epoch, sizes

FIGURE = "fig5"
NUMERIC = (
    "n",
    "epoch",
    "t",
    "t_fraction",
    "overlap_model_mean",
    "overlap_model_se",
    "overlap_bp_mean",
    "overlap_bp_se",
    "ratio_mean",
    "ratio_se",
)
REFERENCES = {"nn_divergence_min": "NN-divergence min", "test_loss_min": "test-loss min"}
DATA = {"train": "-", "test": "--"}
BP_COLOR = "0.55"


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write Fig. 5 as ``pdf`` and ``png``."""
    table = checked(table, FIGURE, numeric=NUMERIC, labels=("reference", "data"))
    ns = sizes(table)
    references = ordered(table["reference"], tuple(REFERENCES))
    datasets = ordered(table["data"], tuple(DATA))
    with style_context(style):
        colors = dict(zip(datasets, draw.cycle_colors(len(datasets)), strict=True))
        styles = {d: (colors[d], DATA.get(d, ":")) for d in datasets}
        handles = [draw.key(*styles[d]) for d in datasets]
        labels = [f"{d} sequences, model" for d in datasets]
        handles += [draw.key(BP_COLOR, styles[d][1]) for d in datasets]
        labels += [f"{d} sequences, exact BP" for d in datasets]
        fig, axes = new_figure(
            2 * len(ns),
            len(references),
            legend=labels,
            legend_ncols=2,
            panel_height=2.0,
            sharex=True,
        )
        for i, n in enumerate(ns):
            for j, reference in enumerate(references):
                rows = table[(table["n"] == n) & (table["reference"] == reference)]
                ratio_ax, overlap_ax = axes[2 * i, j], axes[2 * i + 1, j]
                if rows.empty:
                    draw.empty_panel(ratio_ax)
                    draw.empty_panel(overlap_ax)
                    continue
                what = f"n={n}, reference={reference}"
                epoch = single_epoch(rows, FIGURE, what)
                name = REFERENCES.get(reference, reference)
                ratio_ax.set_title(f"n = {format_n(n)}, {name} (epoch {epoch:,})")
                ratio_panel(ratio_ax, rows, datasets, styles)
                overlap_panel(overlap_ax, rows, datasets, styles)
        for i in range(len(ns)):
            axes[2 * i, 0].set_ylabel("overlap ratio, model / BP")
            axes[2 * i + 1, 0].set_ylabel("overlap (fraction of positions)")
        figure_legend(fig, axes, handles, labels, ncols=2)
        save(fig, pdf, png)


def ratio_panel(ax, rows: pd.DataFrame, datasets: list[str], styles: dict) -> None:
    """Model/BP overlap ratio against t/T, with the no-bias level 1."""
    ax.axhline(1.0, color="0.6", linewidth=0.6, zorder=0)
    for data in datasets:
        curve = rows[rows["data"] == data]
        if not curve.empty:
            color, linestyle = styles[data]
            draw.band(
                ax,
                curve["t_fraction"],
                curve["ratio_mean"],
                curve["ratio_se"],
                color=color,
                linestyle=linestyle,
            )
    ax.tick_params(labelbottom=True)


def overlap_panel(ax, rows: pd.DataFrame, datasets: list[str], styles: dict) -> None:
    """Raw overlaps with the start: model in colour, BP in grey, same line style per data."""
    for data in datasets:
        curve = rows[rows["data"] == data]
        if curve.empty:
            continue
        color, linestyle = styles[data]
        draw.band(
            ax,
            curve["t_fraction"],
            curve["overlap_bp_mean"],
            curve["overlap_bp_se"],
            color=BP_COLOR,
            linestyle=linestyle,
        )
        draw.band(
            ax,
            curve["t_fraction"],
            curve["overlap_model_mean"],
            curve["overlap_model_se"],
            color=color,
            linestyle=linestyle,
        )
    ax.set_xlabel("t / T")
    ax.tick_params(labelbottom=True)  # sharex hides them on all but the last row
