"""Fig 3: the largest-N model at a test image: clean, noisy, denoised; λ_k and |c_k| against
k; the eigenvectors e_k (bwr)."""

from __future__ import annotations

from diffgen.core.figures.style import new_figure, save, style_context
from diffgen.harmonic.figures.common import image, kind, panel_order, show


def plot(table, pdf, png, style=None, options=None):
    spectrum = kind(table, "spectrum", "fig3").sort_values("k")
    images = kind(table, "image", "fig3").set_index("panel")
    panels = panel_order(images.index)
    plain = [p for p in panels if not p.startswith("e_")]
    eig = [p for p in panels if p.startswith("e_")]
    cols = max(len(plain) + 1, len(eig), 2)
    with style_context(style):
        fig, axes = new_figure(2, cols, panel_width=1.1, panel_height=1.3)
        for ax in axes.flat:
            ax.set_axis_off()
        for row, names in ((0, plain), (1, eig)):
            for c, panel in enumerate(names):
                ax = axes[row, c]
                ax.set_axis_on()
                show(
                    ax,
                    image(images.loc[panel, "pixels"], "fig3"),
                    panel.replace("_", " "),
                    signed=row == 1,
                )
        ax = axes[0, len(plain)]
        ax.set_axis_on()
        ax.plot(spectrum["k"], spectrum["lam"], label="λ_k", lw=1)
        scale = spectrum["c"].abs().max() or 1.0
        ax.plot(
            spectrum["k"], spectrum["c"].abs() / scale, label="|c_k| (scaled)", lw=0.6, alpha=0.7
        )
        ax.set_xscale("log")
        ax.set_xlabel("k")
        ax.legend(fontsize=6)
        save(fig, pdf, png)
