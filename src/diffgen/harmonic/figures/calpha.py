"""C^α images: eigenvectors of one C^α model, PSNR curves per α with dashed optimal
slopes α/(α+1), and the fitted slopes against the optimum."""

from __future__ import annotations

from diffgen.core.figures import draw
from diffgen.core.figures.style import new_figure, save, style_context
from diffgen.harmonic.figures.common import image, kind, panel_order, show


def plot(table, pdf, png, style=None, options=None):
    psnr = kind(table, "psnr", "calpha")
    slopes = kind(table, "slope", "calpha").sort_values("alpha")
    images = kind(table, "image", "calpha").set_index("panel")
    panels = panel_order(images.index)
    with style_context(style):
        fig, axes = new_figure(2, max(len(panels), 2), panel_width=1.1, panel_height=1.3)
        for c, panel in enumerate(panels):
            show(
                axes[0, c],
                image(images.loc[panel, "pixels"], "calpha"),
                panel.replace("_", " "),
                signed=panel.startswith("e_"),
            )
        for ax in axes[0, len(panels) :]:
            ax.set_axis_off()
        ax = axes[1, 0]
        alphas = sorted(psnr["alpha"].unique())
        for alpha, color in zip(alphas, draw.sequential_colors(len(alphas)), strict=True):
            curve = psnr[psnr["alpha"] == alpha].sort_values("psnr_in")
            ax.plot(
                curve["psnr_in"], curve["psnr_out"], "o-", ms=2, color=color, label=f"α = {alpha:g}"
            )
            mid = curve.iloc[len(curve) // 2]
            x = curve["psnr_in"]
            ax.plot(
                x,
                mid["psnr_out"] + alpha / (alpha + 1) * (x - mid["psnr_in"]),
                "--",
                color=color,
                lw=0.7,
            )
        ax.set_xlabel("input PSNR (dB)")
        ax.set_ylabel("output PSNR (dB)")
        ax.legend(fontsize=6)
        ax = axes[1, 1]
        ax.plot(slopes["alpha"], slopes["slope"], "o-", label="fitted")
        ax.plot(slopes["alpha"], slopes["optimum"], "k--", label="α/(α+1)")
        ax.set_xlabel("α")
        ax.set_ylabel("slope")
        ax.legend(fontsize=6)
        for extra in axes[1, 2:]:
            extra.set_axis_off()
        save(fig, pdf, png)
