"""Fig 1: per N, the nearest image of S_A, the samples of models A and B from the same
noise, and the nearest image of S_B (one row per N and shown seed)."""

from __future__ import annotations

from diffgen.core.figures.style import new_figure, save, style_context
from diffgen.core.figures.tables import checked
from diffgen.harmonic.figures.common import image, show

PANELS = ("nearest_A", "sample_A", "sample_B", "nearest_B")
TITLES = ("nearest in S_A", "x̂_A", "x̂_B", "nearest in S_B")


def plot(table, pdf, png, style=None, options=None):
    table = checked(table, "fig1", numeric=("N", "seed"), labels=("panel", "pixels"))
    rows = table[["N", "seed"]].drop_duplicates().sort_values(["N", "seed"]).values.tolist()
    with style_context(style):
        fig, axes = new_figure(len(rows), 4, panel_width=0.9, panel_height=0.9)
        for r, (n, seed) in enumerate(rows):
            cells = table[(table["N"] == n) & (table["seed"] == seed)].set_index("panel")
            for c, panel in enumerate(PANELS):
                show(
                    axes[r, c],
                    image(cells.loc[panel, "pixels"], "fig1"),
                    TITLES[c] if r == 0 else "",
                )
            axes[r, 0].set_ylabel(f"N = {int(n)}\nseed {int(seed)}", fontsize=7)
        save(fig, pdf, png)
