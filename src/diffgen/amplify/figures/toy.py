"""Toy figure: the squared error of the empirical mean against N, with its expectation."""

from __future__ import annotations

import pandas as pd

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write the toy figure as ``pdf`` and ``png``."""
    labels = ["measured", "expected dim / N"]
    with style_context(style):
        fig, axes = new_figure(1, 1, legend=labels)
        ax = axes[0, 0]
        ax.plot(table["N"], table["squared_error"], "o-", color="black")
        ax.plot(table["N"], table["expected"], ":", color="0.45")
        ax.set_xscale("log")
        draw.log_y(ax)
        ax.set_xlabel("N (points)")
        ax.set_ylabel("‖mean − μ‖²")
        figure_legend(fig, axes, [draw.key("black"), draw.key("0.45", ":")], labels)
        save(fig, pdf, png)
