"""App. Fig. 11: U-turns started from uniformly random sequences.

Overlap of the denoised sequence with its random start against t/T, for the
trained model (black), the memorizing empirical denoiser (red) and the exact
BP_k denoisers (sequential colours, k = 0 is the full grammar). One panel per
size and checkpoint.
"""

from __future__ import annotations

import re

import pandas as pd

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked, format_n

FIGURE = "figA11"
NUMERIC = ("n", "epoch", "t", "t_fraction", "mean", "se")
BP = re.compile(r"^bp(\d+)$")
FIXED = {
    "model": ("trained model", "black", 1.5),
    "empirical": ("empirical denoiser", "#d62728", 1.1),
}


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write App. Fig. 11 as ``pdf`` and ``png``."""
    table = checked(table, FIGURE, numeric=NUMERIC, labels=("denoiser",))
    panels = sorted({(int(n), int(e)) for n, e in zip(table["n"], table["epoch"], strict=True)})
    with style_context(style):
        styles = denoiser_styles(table["denoiser"].unique())
        handles = [draw.key(color, linewidth=width) for _, color, width in styles.values()]
        labels = [label for label, _, _ in styles.values()]
        fig, axes = new_figure(1, len(panels), legend=labels, sharey=True)
        for ax, (n, epoch) in zip(axes[0], panels, strict=True):
            rows = table[(table["n"] == n) & (table["epoch"] == epoch)]
            for name, (_, color, width) in styles.items():
                curve = rows[rows["denoiser"] == name]
                if not curve.empty:
                    draw.band(
                        ax,
                        curve["t_fraction"],
                        curve["mean"],
                        curve["se"],
                        color=color,
                        linewidth=width,
                    )
            ax.set_title(f"n = {format_n(n)}, epoch {epoch:,}")
            ax.set_xlabel("t / T")
        axes[0, 0].set_ylabel("overlap with start (fraction of positions)")
        figure_legend(fig, axes, handles, labels)
        save(fig, pdf, png)


def denoiser_styles(names) -> dict[str, tuple[str, object, float]]:
    """Legend order and look: model, empirical, BP_0..BP_l, then anything else."""
    names = set(names)
    levels = sorted((int(BP.match(x).group(1)), x) for x in names if BP.match(x))
    styles = {name: FIXED[name] for name in FIXED if name in names}
    for (k, name), color in zip(levels, draw.sequential_colors(len(levels)), strict=True):
        styles[name] = (draw.bp(k) + (" (exact)" if k == 0 else ""), color, 1.0)
    others = sorted(names - set(styles))
    for name, color in zip(others, draw.cycle_colors(len(others)), strict=True):
        styles[name] = (name, color, 1.0)
    return styles
