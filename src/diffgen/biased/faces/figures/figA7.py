"""App. Fig 7: representative pairs of two models with their nearest training images.

At τ_cos, τ_loss and the last generation checkpoint: the sample pairs whose
similarity is closest to the pair's mean (nearest first), shown as
NN A | A | B | NN B; the pair's Pearson similarity r under A, each nearest
image's similarity under it.
"""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from diffgen.biased.faces.figures import pairs
from diffgen.core.figures.style import save, style_context
from diffgen.core.figures.tables import checked

CELL = 0.42  # inches per image
MARGIN = 0.1


def plot(table, pdf, png, style=None, options=None) -> None:
    with style_context(style):
        images = checked(table, "figA7", ["epoch", "rank", "similarity"], ["panel", "role"])
        panels = [p for p in ("tau_cos", "tau_loss", "last") if p in set(images["panel"])]
        rows = int(images["rank"].max()) + 1
        width = pairs.grid_width(len(panels), CELL) + 2 * MARGIN
        height = pairs.grid_height(rows, CELL) + 2 * MARGIN
        fig = Figure(figsize=(width, height), layout="none")
        FigureCanvasAgg(fig)
        pairs.draw(fig, images, panels, (MARGIN, MARGIN), CELL, nn_labels=True)
        save(fig, pdf, png)
