"""Fig. 3(b): score divergence along diffusion time, in one panel as the paper draws it.

KL(BP₀ ‖ model) for each size at its test-loss minimum (colour, the epoch in
the legend) and the reference curves KL(BP₀ ‖ BP_k) (grey, dashed): how much
of the exact posterior a model, or a factorised BP_k, misses at each t. The
model curves are expected to peak near the critical time, marked at the t/T of
``options['critical_fraction']`` (the figure's config section).

Table columns: series (``model`` or ``bp<k>``), n, epoch, t, t_fraction, mean, se.
"""

from __future__ import annotations

import re

import pandas as pd

from diffgen.biased.figures.sequential import KL_LABEL
from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked, format_n

FIGURE = "fig3b"
NUMERIC = ("t", "t_fraction", "mean", "se")
BP = re.compile(r"^bp(\d+)$")
CRITICAL_STYLE = (0, (1, 1.5))
BP_STYLES = ("--", "-.", (0, (5, 1.5, 1, 1.5, 1, 1.5)), ":")
PANEL_WIDTH = 4.6
PANEL_HEIGHT = 3.2


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write Fig. 3(b) as ``pdf`` and ``png``."""
    options = options or {}
    table = checked(table, FIGURE, numeric=NUMERIC, labels=("series",))
    table["n"] = pd.to_numeric(table["n"], errors="coerce")
    table["epoch"] = pd.to_numeric(table["epoch"], errors="coerce")
    models = table[table["series"] == "model"]
    curves = sorted({(int(n), int(e)) for n, e in zip(models["n"], models["epoch"], strict=True)})
    levels = sorted(int(BP.match(s).group(1)) for s in table["series"].unique() if BP.match(s))
    critical = options.get("critical_fraction")
    with style_context(style):
        colors = dict(zip(curves, draw.cycle_colors(len(curves)), strict=True))
        handles = [draw.key(colors[c]) for c in curves]
        labels = [f"KL(BP₀ ‖ model), n = {format_n(n)}, epoch {e:,}" for n, e in curves]
        bp_styles = {k: BP_STYLES[i % len(BP_STYLES)] for i, k in enumerate(levels)}
        handles += [draw.key("0.35", bp_styles[k]) for k in levels]
        labels += [f"KL(BP₀ ‖ {draw.bp(k)})" for k in levels]
        if critical is not None:
            handles.append(draw.key("0.3", CRITICAL_STYLE))
            labels.append(f"critical time, t/T = {critical:g}")
        fig, axes = new_figure(
            1, 1, legend=labels, panel_width=PANEL_WIDTH, panel_height=PANEL_HEIGHT
        )
        ax = axes[0, 0]
        for n, epoch in curves:
            curve = models[(models["n"] == n) & (models["epoch"] == epoch)]
            draw.band(ax, curve["t_fraction"], curve["mean"], curve["se"], color=colors[n, epoch])
        for k in levels:
            curve = table[table["series"] == f"bp{k}"]
            draw.band(
                ax, curve["t_fraction"], curve["mean"], curve["se"], color="0.35",
                linestyle=bp_styles[k],
            )  # fmt: skip
        if critical is not None:
            draw.mark_x(ax, critical, color="0.3", linestyle=CRITICAL_STYLE)
        ax.set_ylim(bottom=0.0)  # linear, as the reference: the peaks, not the tails, matter
        ax.set_xlim(0.0, max(1.0, float(table["t_fraction"].max())))
        ax.set_xlabel("t / T")
        ax.set_ylabel(KL_LABEL)
        ax.set_title("KL to the exact posterior BP₀ along diffusion time")
        figure_legend(fig, axes, handles, labels)
        save(fig, pdf, png)
