"""Generalization (c_AB) and memorization (c_A) cosines per N, and V(σ) per N."""

from __future__ import annotations

from diffgen.core.figures import draw
from diffgen.core.figures.style import new_figure, save, style_context
from diffgen.core.figures.tables import checked


def plot(table, pdf, png, style=None, options=None):
    table = checked(table, "var", numeric=("N", "sigma", "value"), labels=("quantity",))
    sizes = sorted(table["N"].unique())
    with style_context(style):
        fig, axes = new_figure(1, 3)
        for ax, quantity, title in zip(
            axes[0, :2], ("c_AB", "c_A"), ("generalization c_AB", "memorization c_A"), strict=True
        ):
            data = [
                table[(table["quantity"] == quantity) & (table["N"] == n)]["value"] for n in sizes
            ]
            ax.boxplot(data, tick_labels=[f"{int(n)}" for n in sizes])
            ax.set_xlabel("N")
            ax.set_title(title)
            ax.set_ylim(min(0.0, min(d.min() for d in data)), 1.02)
        ax = axes[0, 2]
        for n, color in zip(sizes, draw.sequential_colors(len(sizes)), strict=True):
            curve = table[(table["quantity"] == "V") & (table["N"] == n)].sort_values("sigma")
            ax.plot(curve["sigma"], curve["value"], "o-", ms=2, color=color, label=f"N = {int(n)}")
        ax.set_xscale("log")
        ax.set_xlabel("σ")
        ax.set_title("V(σ)")
        ax.legend(fontsize=6)
        save(fig, pdf, png)
