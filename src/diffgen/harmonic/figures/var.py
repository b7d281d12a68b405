"""Generalization (c_AB) and memorization (c_A) cosines per N, and V(σ) per N.

Seeds whose sampler aborted have no cosines; each N's label counts them ("2 aborted").
"""

from __future__ import annotations

import math

from diffgen.core.figures import draw
from diffgen.core.figures.style import new_figure, save, style_context
from diffgen.core.figures.tables import checked


def _label(table, n) -> str:
    aborted = table[(table["quantity"] == "aborted") & (table["N"] == n)]["value"].sum()
    return f"{int(n)}" + (f"\n{int(aborted)} aborted" if aborted else "")


def plot(table, pdf, png, style=None, options=None):
    table = checked(table, "var", numeric=("N", "sigma", "value"), labels=("quantity",))
    sizes = sorted(table["N"].unique())
    labels = [_label(table, n) for n in sizes]
    with style_context(style):
        fig, axes = new_figure(1, 3)
        for ax, quantity, title in zip(
            axes[0, :2], ("c_AB", "c_A"), ("generalization c_AB", "memorization c_A"), strict=True
        ):
            data = [
                table[(table["quantity"] == quantity) & (table["N"] == n)]["value"] for n in sizes
            ]
            ax.boxplot([d if len(d) else [math.nan] for d in data], tick_labels=labels)
            ax.set_xlabel("N")
            ax.set_title(title)
            ax.set_ylim(min([0.0, *(d.min() for d in data if len(d))]), 1.02)
        ax = axes[0, 2]
        for n, color in zip(sizes, draw.sequential_colors(len(sizes)), strict=True):
            curve = table[(table["quantity"] == "V") & (table["N"] == n)].sort_values("sigma")
            ax.plot(curve["sigma"], curve["value"], "o-", ms=2, color=color, label=f"N = {int(n)}")
        ax.set_xscale("log")
        ax.set_xlabel("σ")
        ax.set_title("V(σ)")
        ax.legend(fontsize=6)
        save(fig, pdf, png)
