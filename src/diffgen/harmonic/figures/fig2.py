"""Fig 2: PSNR of the denoised image against the noisy one, per N; train (left), test (right)."""

from __future__ import annotations

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked


def plot(table, pdf, png, style=None, options=None):
    table = checked(table, "fig2", numeric=("N", "psnr_in", "psnr_out"), labels=("set",))
    sizes = sorted(table["N"].unique())
    colors = draw.sequential_colors(len(sizes))
    labels = [f"N = {int(n)}" for n in sizes] + ["identity"]
    with style_context(style):
        fig, axes = new_figure(1, 2, legend=labels, sharey=True)
        for ax, name in zip(axes[0], ("train", "test"), strict=True):
            part = table[table["set"] == name]
            for n, color in zip(sizes, colors, strict=True):
                curve = part[part["N"] == n].sort_values("psnr_in")
                ax.plot(curve["psnr_in"], curve["psnr_out"], "o-", color=color, ms=2)
            lim = [table["psnr_in"].min(), table["psnr_in"].max()]
            ax.plot(lim, lim, color="0.5", ls="--", lw=0.8)
            ax.set_title(name)
            ax.set_xlabel("input PSNR (dB)")
        axes[0, 0].set_ylabel("output PSNR (dB)")
        handles = [draw.key(c) for c in colors] + [draw.key("0.5", "--")]
        figure_legend(fig, axes, handles, labels)
        save(fig, pdf, png)
