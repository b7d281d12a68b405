"""Fig. 4(b): the cross-entropy loss split into l* and l~ over training.

Columns are sizes, rows are training and test data. l* is the cross-entropy of
the model against the exact BP posterior, l~ the part that only the actual
clean data can explain: zero on average on test data, falling together with l*
on training data once the model leans toward its training set.
"""

from __future__ import annotations

import pandas as pd

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked, format_n, ordered, sizes

FIGURE = "fig4b"
NUMERIC = ("n", "epoch", "mean", "se")
TERMS = {
    "total": ("total loss", "black", "-"),
    "l_star": ("$\\ell^*$: model vs. BP posterior", 0, "-"),
    "l_tilde": ("$\\tilde{\\ell}$: data minus BP posterior", 1, "--"),
}
DATA = ("train", "test")
DATA_NAMES = {"train": "training data", "test": "test data"}


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write Fig. 4(b) as ``pdf`` and ``png``."""
    table = checked(table, FIGURE, numeric=NUMERIC, labels=("data", "term"))
    ns = sizes(table)
    datasets = ordered(table["data"], DATA)
    terms = ordered(table["term"], tuple(TERMS))
    with style_context(style):
        styles = term_styles(terms)
        handles = [draw.key(color, linestyle) for _, color, linestyle in styles.values()]
        labels = [label for label, _, _ in styles.values()]
        fig, axes = new_figure(len(datasets), len(ns), legend=labels, sharey="col")
        for col, n in enumerate(ns):
            for row, data in enumerate(datasets):
                ax = axes[row, col]
                rows = table[(table["n"] == n) & (table["data"] == data)]
                panel(ax, rows, terms, styles)
                ax.set_title(f"n = {format_n(n)}, {DATA_NAMES.get(data, data)}")
        for row in axes:
            row[0].set_ylabel("cross-entropy (nats / token)")
        figure_legend(fig, axes, handles, labels)
        save(fig, pdf, png)


def term_styles(terms: list[str]) -> dict[str, tuple[str, object, str]]:
    """Label, colour and line style per term; unknown terms get spare cycle colours."""
    palette = draw.cycle_colors(len(terms) + 2)
    styles = {}
    for i, term in enumerate(terms):
        label, color, linestyle = TERMS.get(term, (term, 2 + i, ":"))
        styles[term] = (label, palette[color] if isinstance(color, int) else color, linestyle)
    return styles


def panel(ax, rows: pd.DataFrame, terms: list[str], styles: dict) -> None:
    """One size and dataset: each term's mean ± s.e. over epochs, and the zero line for l~."""
    draw.log_epochs(ax)  # before plotting: a lone epoch then autoscales cleanly
    ax.axhline(0.0, color="0.6", linewidth=0.6, zorder=0)
    for term in terms:
        curve = rows[rows["term"] == term]
        if not curve.empty:
            _, color, linestyle = styles[term]
            draw.band(
                ax, curve["epoch"], curve["mean"], curve["se"], color=color, linestyle=linestyle
            )
