"""Fig 3: forward–backward, what survives at each level of the tree (R2).

One panel per grammar: keep_ℓ, the share of level-ℓ nodes of the original
tree found again after noising to t and denoising, against ε = 1 − ᾱ_t, from
the class (ℓ = 0, dark) to the leaves (ℓ = L, light). Solid: exact BP
(posterior expectation); dashed with markers: the trained model of fig1
(parsed samples, invalid nodes count as changed). Dotted: the class's chance 1/n.
"""

from __future__ import annotations

import pandas as pd

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked
from diffgen.rhm.figures.common import grammar_label, grammar_shape, level_color

FIGURE = "fig3"
NUMERIC = ("t", "eps", "level", "mean", "se", "L")
SOURCES = {"bp": ("-", None), "model": ("--", "o")}


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write Fig 3 as ``pdf`` and ``png``."""
    table = checked(table, FIGURE, numeric=NUMERIC, labels=("source", "grammar"))
    names = sorted(table["grammar"].unique(), key=lambda n: grammar_shape(n, FIGURE).d)
    with style_context(style):
        handles = [draw.key(level_color(0, 2)), draw.key(level_color(1, 2)),
                   draw.key(level_color(2, 2)), draw.key("0.3", "-"), draw.key("0.3", "--"),
                   draw.key("0.5", ":")]  # fmt: skip
        labels = ["class (ℓ = 0)", "intermediate levels", "leaves (ℓ = L)", "exact BP",
                  "trained model (fig1)", "chance of the class, 1/n"]  # fmt: skip
        fig, axes = new_figure(1, len(names), legend=labels, sharey=True)
        for ax, name in zip(axes[0], names, strict=True):
            panel(ax, table[table["grammar"] == name], name)
        axes[0, 0].set_ylabel("keep fraction of level-ℓ nodes")
        figure_legend(fig, axes, handles, labels)
        save(fig, pdf, png)


def panel(ax, rows: pd.DataFrame, name: str) -> None:
    sh = grammar_shape(name, FIGURE)
    for source, (linestyle, marker) in SOURCES.items():
        part = rows[rows["source"] == source]
        for level in range(sh.L + 1):
            curve = part[part["level"] == level].sort_values("eps")
            if curve.empty:
                continue
            color = level_color(level, sh.L)
            draw.band(ax, curve["eps"], curve["mean"], curve["se"], color=color,
                      linestyle=linestyle)  # fmt: skip
            if marker:
                ax.plot(curve["eps"], curve["mean"], marker, color=color, markersize=2.2)
    ax.axhline(1.0 / sh.n, color="0.5", linestyle=":", linewidth=0.8)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("ε = 1 − ᾱₜ (share of resampled tokens)")
    ax.set_title(grammar_label(sh))
