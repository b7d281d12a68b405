"""Fig 4: changes come in correlated chunks (R3).

(a) The susceptibility χ(t) = Var(Σ_i δ_i)/d of the changed leaves δ_i after a
forward–backward run, against ε = 1 − ᾱ_t, per grammar: exact BP (solid) and
fig1's trained model (dashed); the dot marks the maximum, labelled with its
value ± s.e. read from the table (over seeds, or the bootstrap over strings
for a single run such as BP's). (b) The mean
covariance C(r) of δ_i and δ_{i+r} at the t of the largest χ, against the
distance r (log x): changes are correlated over whole subtrees.
"""

from __future__ import annotations

import pandas as pd

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked
from diffgen.rhm.figures.common import grammar_label, grammar_shape

FIGURE = "fig4"
NUMERIC = ("t", "eps", "mean", "se")
LINES = {"bp": "-", "model": "--"}


def spread(rows: pd.DataFrame) -> pd.Series:
    """The s.e. to draw: over seeds when there are several, else the bootstrap over strings."""
    over_seeds = pd.to_numeric(rows["se"])
    if "boot_se" not in rows or "count" not in rows:
        return over_seeds
    several = pd.to_numeric(rows["count"]) > 1
    return over_seeds.where(several, pd.to_numeric(rows["boot_se"]))


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write Fig 4 as ``pdf`` and ``png``."""
    table = checked(table, FIGURE, numeric=NUMERIC, labels=("source", "grammar", "kind"))
    table["r"] = pd.to_numeric(table["r"])
    names = sorted(table["grammar"].unique(), key=lambda n: grammar_shape(n, FIGURE).d)
    with style_context(style):
        colors = dict(zip(names, draw.cycle_colors(len(names)), strict=True))
        handles = [draw.key(colors[n]) for n in names]
        labels = [grammar_label(grammar_shape(n, FIGURE)) for n in names]
        handles += [draw.key("0.3", "-"), draw.key("0.3", "--")]
        labels += ["exact BP", "trained model (fig1)"]
        fig, axes = new_figure(1, 2, legend=labels)
        chi_ax, corr_ax = axes[0]
        for (name, source), rows in table.groupby(["grammar", "source"]):
            linestyle = LINES.get(source, ":")
            rows = rows.assign(se=spread(rows))
            chi = rows[rows["kind"] == "chi"].sort_values("eps")
            draw.band(chi_ax, chi["eps"], chi["mean"], chi["se"], color=colors[name],
                      linestyle=linestyle)  # fmt: skip
            if not chi.empty:
                peak = chi.loc[chi["mean"].idxmax()]
                chi_ax.plot([peak["eps"]], [peak["mean"]], "o", color=colors[name], markersize=3)
                chi_ax.annotate(f"{peak['mean']:.3f} ± {peak['se']:.3f}",
                                (peak["eps"], peak["mean"]), textcoords="offset points",
                                xytext=(3, 3), fontsize="x-small", color=colors[name])  # fmt: skip
            corr = rows[(rows["kind"] == "corr") & (rows["r"] >= 1)].sort_values("r")
            if not corr.empty:
                draw.band(corr_ax, corr["r"], corr["mean"], corr["se"], color=colors[name],
                          linestyle=linestyle)  # fmt: skip
        chi_ax.set_xlim(0, 1)
        chi_ax.set_xlabel("ε = 1 − ᾱₜ (share of resampled tokens)")
        chi_ax.set_ylabel("susceptibility χ = Var(Σᵢ δᵢ) / d")
        chi_ax.set_title("(a) susceptibility of the changes")
        corr_ax.set_xscale("log")
        draw.plain_log_labels(corr_ax.xaxis)
        corr_ax.axhline(0.0, color="0.6", linewidth=0.6, zorder=0)
        corr_ax.set_xlabel("distance r between leaves")
        corr_ax.set_ylabel("C(r): mean covariance of δᵢ, δᵢ₊ᵣ")
        corr_ax.set_title("(b) correlations at the maximum of χ")
        figure_legend(fig, axes, handles, labels)
        save(fig, pdf, png)
