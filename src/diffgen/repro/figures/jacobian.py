"""Jacobian rank/n against SNR = 1/σ: (a) a net on real data, (b) MoLRG, D* and a net."""

from __future__ import annotations

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked


def plot(table, pdf, png, style=None, options=None) -> None:
    table = checked(table, "jac", numeric=("sigma", "snr", "rank"),
                    labels=("panel", "dataset", "model"))  # fmt: skip
    series = sorted(set(zip(table["panel"], table["dataset"], table["model"], strict=True)))
    labels = [f"{d}: {m}" for _, d, m in series]
    colors = draw.cycle_colors(len(series))
    with style_context(style):
        fig, axes = new_figure(1, 2, legend=labels)
        handles = []
        for (panel, dataset, model), color in zip(series, colors, strict=True):
            ax = axes[0, 0 if panel == "a" else 1]
            rows = table[(table["dataset"] == dataset) & (table["model"] == model)]
            snrs = sorted(rows["snr"].unique())
            groups = [rows[rows["snr"] == s]["rank"].to_numpy() for s in snrs]
            parts = ax.violinplot(groups, positions=snrs, widths=[0.35 * s for s in snrs],
                                  showextrema=False)  # fmt: skip
            for body in parts["bodies"]:
                body.set_facecolor(color)
                body.set_alpha(0.3)
            means = rows.groupby("snr")["rank"].mean()
            (handle,) = ax.plot(means.index, means.to_numpy(), "o-", color=color, markersize=3)
            handles.append(handle)
        for col, title in enumerate(("(a) real data", "(b) MoLRG")):
            ax = axes[0, col]
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("SNR = 1/σ")
            ax.set_title(title)
        axes[0, 0].set_ylabel("Jacobian rank / n")
        figure_legend(fig, axes, handles, labels)
        save(fig, pdf, png)
