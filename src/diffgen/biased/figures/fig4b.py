"""Fig. 4(b): the cross-entropy loss split into l* and l~ over training.

Rows are training and test data; columns are sizes, each with two panels as
the reference draws them: at the configured t (``mode`` fixed) and averaged
over t (``mean``, one uniform t per sequence). l* is the cross-entropy of the
model against the exact BP posterior, l~ the part that only the actual clean
data can explain: zero on average on test data, falling together with l* on
training data once the model leans toward its training set. Bands: ± std over
seeds (the reference's).
"""

from __future__ import annotations

import pandas as pd

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked, format_n, ordered, sizes

FIGURE = "fig4b"
NUMERIC = ("n", "epoch", "mean", "sd")
MODES = ("fixed", "mean")
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
    options = options or {}
    table = checked(table, FIGURE, numeric=NUMERIC, labels=("data", "term", "mode"))
    ns = sizes(table)
    datasets = ordered(table["data"], DATA)
    terms = ordered(table["term"], tuple(TERMS))
    modes = ordered(table["mode"], MODES)
    columns = [(n, mode) for n in ns for mode in modes]
    with style_context(style):
        styles = term_styles(terms)
        handles = [draw.key(color, linestyle) for _, color, linestyle in styles.values()]
        labels = [label for label, _, _ in styles.values()]
        fig, axes = new_figure(len(datasets), len(columns), legend=labels, sharey="col")
        for col, (n, mode) in enumerate(columns):
            for row, data in enumerate(datasets):
                ax = axes[row, col]
                rows = table[(table["n"] == n) & (table["data"] == data) & (table["mode"] == mode)]
                panel(ax, rows, terms, styles)
                name = DATA_NAMES.get(data, data)
                ax.set_title(f"n = {format_n(n)}, {name}\n{mode_text(mode, options)}")
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


def mode_text(mode: str, options: dict) -> str:
    """'at t/T = 0.3' or 'mean over t'."""
    if mode == "fixed":
        return f"at t/T = {options['t_fraction']:g}" if "t_fraction" in options else "fixed t"
    return "mean over t ∈ [1, T]" if mode == "mean" else mode


def panel(ax, rows: pd.DataFrame, terms: list[str], styles: dict) -> None:
    """One size, dataset and mode: each term's mean ± std over epochs, and the zero line."""
    draw.log_epochs(ax)  # before plotting: a lone epoch then autoscales cleanly
    ax.axhline(0.0, color="0.6", linewidth=0.6, zorder=0)
    for term in terms:
        curve = rows[rows["term"] == term]
        if not curve.empty:
            _, color, linestyle = styles[term]
            draw.band(
                ax, curve["epoch"], curve["mean"], curve["sd"], color=color, linestyle=linestyle
            )
