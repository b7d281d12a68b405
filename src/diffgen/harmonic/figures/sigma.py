"""Spectra against σ: mean λ_k per σ, d(y) = tr J against σ, oracle against actual MSE."""

from __future__ import annotations

from diffgen.core.figures import draw
from diffgen.core.figures.style import new_figure, save, style_context
from diffgen.harmonic.figures.common import kind


def plot(table, pdf, png, style=None, options=None):
    spectrum = kind(table, "spectrum", "sigma")
    summary = kind(table, "summary", "sigma")
    sigmas = sorted(spectrum["sigma"].unique())
    colors = draw.sequential_colors(len(sigmas))
    with style_context(style):
        fig, axes = new_figure(1, 3)
        for s, color in zip(sigmas, colors, strict=True):
            curve = spectrum[spectrum["sigma"] == s].sort_values("k")
            axes[0, 0].plot(curve["k"], curve["lam"], color=color, label=f"σ = {s:g}")
        axes[0, 0].set_xscale("log")
        axes[0, 0].set_xlabel("k")
        axes[0, 0].set_ylabel("λ_k (mean over images)")
        axes[0, 0].legend(fontsize=6)
        mean = summary.groupby("sigma")[["d", "mse", "oracle_mse"]].mean().reset_index()
        axes[0, 1].plot(summary["sigma"], summary["d"], ".", color="0.6", ms=3)
        axes[0, 1].plot(mean["sigma"], mean["d"], "o-", ms=3)
        axes[0, 1].set_xlabel("σ")
        axes[0, 1].set_ylabel("d(y) = tr J")
        ax = axes[0, 2]
        ax.scatter(summary["oracle_mse"], summary["mse"], c=summary["sigma"], s=6)
        top = float(max(summary["mse"].max(), summary["oracle_mse"].max()))
        ax.plot([0, top], [0, top], color="0.5", ls="--", lw=0.8)
        ax.set_xlabel("oracle MSE (e_k basis)")
        ax.set_ylabel("actual MSE")
        save(fig, pdf, png)
