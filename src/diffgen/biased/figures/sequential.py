"""Sequential learning over training (Fig. 1(b) and its all-sizes version, Fig. 6).

One panel per size: KL(BP_k ‖ model) on test (solid) and training (dashed)
data for each k, and the sample-split KL between models trained on disjoint
splits (black; mean ± s.e. over every pair). The two vertical lines show the
claim: the sample-split KL bottoms out before the model-oracle KL does. KLs are
in the paper's unit: nats per sequence (summed over positions).
"""

from __future__ import annotations

import re

import pandas as pd

from diffgen.core.errors import InputFileError
from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import argmin_epoch, checked, format_n, sizes

ORACLE = re.compile(r"^oracle_k(\d+)_(test|train)$")
SPLITS = {
    "split_disjoint": ("sample split, disjoint data", "-"),
    "split_same": ("sample split, same data", ":"),
}
#: The same on the first model's training sequences (the reference's train panel), in grey.
TRAIN_SPLITS = {
    "split_disjoint_train": ("sample split on training data, disjoint", "-"),
    "split_same_train": ("sample split on training data, same", ":"),
}
SPLIT_COLOR = {**dict.fromkeys(SPLITS, "black"), **dict.fromkeys(TRAIN_SPLITS, "0.55")}
DATA_STYLE = {"test": "-", "train": "--"}
SPLIT_MARK = (0, (5, 2, 1, 2))  # dash-dot: minimum of the sample-split KL
#: One marker per level k, so curves that coincide (BP_k close to BP_0 for small k)
#: stay distinguishable in black and white and where colours are close.
LEVEL_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
ORACLE_MARK = (0, (1, 1.5))  # dotted: minimum of KL(BP_0 ‖ model) on test data


def oracle_levels(series: pd.Series, figure: str) -> list[int]:
    """The k of every oracle series; an unknown series name is an error, not a silent gap."""
    levels = set()
    for name in series.unique():
        match = ORACLE.match(name)
        if match:
            levels.add(int(match.group(1)))
        elif name not in SPLIT_COLOR:
            raise InputFileError(f"{figure} table has unknown series '{name}'")
    return sorted(levels)


#: The y axis of every KL panel: the paper's unit.
KL_LABEL = "KL divergence (nats per sequence)"


def plot_sequential(
    table: pd.DataFrame,
    pdf: str,
    png: str,
    style: str | None,
    figure: str,
    options: dict | None = None,
) -> None:
    """Draw the sequential-learning figure named ``figure`` from its table.

    ``options`` is the figure's config section with its measurement's settings:
    their ``t_fraction`` is the measurement time shown in the titles.
    """
    options = options or {}
    table = checked(table, figure, numeric=("n", "epoch", "mean", "se"), labels=("series",))
    levels = oracle_levels(table["series"], figure)
    ns = sizes(table)
    with style_context(style):
        colors = dict(zip(levels, draw.sequential_colors(len(levels)), strict=True))
        handles = [draw.key(colors[k], marker=level_marker(k)) for k in levels]
        labels = [f"KL({draw.bp(k)} ‖ model)" for k in levels]
        handles += [draw.key(linestyle=DATA_STYLE["test"]), draw.key(linestyle=DATA_STYLE["train"])]
        labels += ["on test data", "on training data"]
        for name, (label, linestyle) in {**SPLITS, **TRAIN_SPLITS}.items():
            if name in SPLITS or (table["series"] == name).any():
                handles.append(draw.key(SPLIT_COLOR[name], linestyle))
                labels.append(label + pairs_text(table, name))
        handles += [draw.key("0.25", SPLIT_MARK), draw.key(colors.get(0, "0.25"), ORACLE_MARK)]
        labels += ["min. of sample-split KL", f"min. of KL({draw.bp(0)} ‖ model), test"]

        fig, axes = new_figure(1, len(ns), legend=labels, sharey=True)
        when = f", t/T = {options['t_fraction']:g}" if "t_fraction" in options else ""
        for ax, n in zip(axes[0], ns, strict=True):
            panel(ax, table[table["n"] == n], levels, colors)
            ax.set_title(f"n = {format_n(n)}{when}\n{minima_text(table[table['n'] == n])}")
        axes[0, 0].set_ylabel(KL_LABEL)
        figure_legend(fig, axes, handles, labels)
        save(fig, pdf, png)


def panel(ax, rows: pd.DataFrame, levels: list[int], colors: dict) -> None:
    """One size: oracle curves per k, sample-split curves, and the two minima."""
    draw.log_epochs(ax)  # before plotting: a lone epoch then autoscales cleanly
    for k in levels:
        for data, linestyle in DATA_STYLE.items():
            curve = rows[rows["series"] == f"oracle_k{k}_{data}"]
            if not curve.empty:
                line = draw.band(
                    ax,
                    curve["epoch"],
                    curve["mean"],
                    curve["se"],
                    color=colors[k],
                    linestyle=linestyle,
                )
                line.set_marker(level_marker(k))
                line.set_markersize(3)
                line.set_markevery(max(1, len(curve) // 8))
    for name, (_, linestyle) in {**SPLITS, **TRAIN_SPLITS}.items():
        curve = rows[rows["series"] == name]
        if not curve.empty:
            draw.band(
                ax,
                curve["epoch"],
                curve["mean"],
                curve["se"],
                color=SPLIT_COLOR[name],
                linestyle=linestyle,
            )
    draw.mark_x(ax, minimum(rows, "split_disjoint"), color="0.25", linestyle=SPLIT_MARK)
    draw.mark_x(
        ax, minimum(rows, "oracle_k0_test"), color=colors.get(0, "0.25"), linestyle=ORACLE_MARK
    )
    draw.log_y(ax)


def level_marker(k: int) -> str:
    return LEVEL_MARKERS[k % len(LEVEL_MARKERS)]


def pairs_text(table: pd.DataFrame, series: str) -> str:
    """' (105 pairs)': how many model pairs a sample-split curve averages."""
    if "count" not in table.columns:
        return ""
    counts = pd.to_numeric(table.loc[table["series"] == series, "count"], errors="coerce")
    if counts.empty or not counts.notna().any():
        return ""
    count = int(counts.max())
    return f" ({count} pair{'s' if count != 1 else ''})"


def minimum(rows: pd.DataFrame, series: str) -> int | None:
    """Epoch of the minimum of one series' mean curve, None if the series is absent."""
    curve = rows[rows["series"] == series]
    if curve.empty:
        return None
    return argmin_epoch(curve["epoch"].to_numpy(), curve["mean"].to_numpy())


def minima_text(rows: pd.DataFrame) -> str:
    """Second title line: the epochs the two vertical lines mark."""
    split = minimum(rows, "split_disjoint")
    oracle = minimum(rows, "oracle_k0_test")
    parts = []
    if split is not None:
        parts.append(f"split min: ep. {split:,}")
    if oracle is not None:
        parts.append(f"{draw.bp(0)} min: ep. {oracle:,}")
    return " · ".join(parts) if parts else "no minima"
