"""Fig 3: the largest-N model at a test image: clean, noisy, denoised; λ_k and |c_k| against
k; the eigenvectors e_k (bwr)."""

from __future__ import annotations

from diffgen.core.figures.style import new_figure, save, style_context
from diffgen.harmonic.figures.common import image, kind, panel_order, show


def plot(table, pdf, png, style=None, options=None):
    spectrum = kind(table, "spectrum", "fig3").sort_values("k")
    images = kind(table, "image", "fig3").set_index("panel")
    panels = panel_order(images.index)
    with style_context(style):
        fig, axes = new_figure(2, max(len(panels), 2), panel_width=1.1, panel_height=1.3)
        for ax in axes[0]:
            ax.set_axis_off()
        for c, panel in enumerate(panels):
            ax = axes[1, c] if panel.startswith("e_") else axes[0, c]
            ax.set_axis_on()
            show(
                ax,
                image(images.loc[panel, "pixels"], "fig3"),
                panel.replace("_", " "),
                signed=panel.startswith("e_"),
            )
        for c in range(len(panels)):
            if not panel_order(images.index)[c].startswith("e_"):
                axes[1, c].set_axis_off()
        ax = axes[0, -1]
        ax.set_axis_on()
        ax.plot(spectrum["k"], spectrum["lam"], label="λ_k", lw=1)
        ax.plot(
            spectrum["k"],
            spectrum["c"].abs() / spectrum["c"].abs().max(),
            label="|c_k| (scaled)",
            lw=0.6,
            alpha=0.7,
        )
        ax.set_xscale("log")
        ax.set_xlabel("k")
        ax.legend(fontsize=6)
        save(fig, pdf, png)
