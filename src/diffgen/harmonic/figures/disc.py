"""Discs: λ_k against the optimum (five 1s), d(y) against σ and 5, the top eigenvectors,
PSNR against the optimum PSNR_in + 10 log10(D/5)."""

from __future__ import annotations

import numpy as np

from diffgen.core.figures import draw
from diffgen.core.figures.style import new_figure, save, style_context
from diffgen.harmonic.figures.common import image, kind, panel_order, show


def plot(table, pdf, png, style=None, options=None):
    spectrum = kind(table, "spectrum", "disc")
    summary = kind(table, "summary", "disc")
    psnr = kind(table, "psnr", "disc").sort_values("psnr_in")
    images = kind(table, "image", "disc").set_index("panel")
    panels = panel_order(images.index)
    with style_context(style):
        fig, axes = new_figure(2, max(len(panels), 3), panel_width=1.1, panel_height=1.3)
        for c, panel in enumerate(panels):
            show(
                axes[0, c],
                image(images.loc[panel, "pixels"], "disc"),
                panel.replace("_", " "),
                signed=panel.startswith("e_"),
            )
        for ax in axes[0, len(panels) :]:
            ax.set_axis_off()
        ax = axes[1, 0]
        sigmas = sorted(spectrum["sigma"].unique())
        for s, color in zip(sigmas, draw.sequential_colors(len(sigmas)), strict=True):
            curve = spectrum[spectrum["sigma"] == s].sort_values("k")
            ax.plot(curve["k"], curve["lam"], color=color, label=f"σ = {s:g}")
        k = np.arange(1, int(spectrum["k"].max()) + 1)
        ax.step(k, (k <= 5).astype(float), "k--", lw=0.8, label="optimum", where="mid")
        ax.set_xscale("log")
        ax.set_xlabel("k")
        ax.set_ylabel("λ_k")
        ax.legend(fontsize=5)
        ax = axes[1, 1]
        mean = summary.groupby("sigma")["d"].mean()
        ax.plot(mean.index, mean.values, "o-", ms=3, label="d(y)")
        ax.axhline(5, color="k", ls="--", lw=0.8, label="optimum 5")
        ax.set_xlabel("σ")
        ax.set_ylabel("tr J")
        ax.legend(fontsize=6)
        ax = axes[1, 2]
        ax.plot(psnr["psnr_in"], psnr["psnr_out"], "o-", ms=2, label="model")
        ax.plot(psnr["psnr_in"], psnr["psnr_optimum"], "k--", lw=0.8, label="optimum")
        ax.set_xlabel("input PSNR (dB)")
        ax.set_ylabel("output PSNR (dB)")
        ax.legend(fontsize=6)
        for extra in axes[1, 3:]:
            extra.set_axis_off()
        save(fig, pdf, png)
