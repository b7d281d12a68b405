"""Fig 6: the RP matrix of model families trained on the same data, from the same latents."""

from __future__ import annotations

import numpy as np

from diffgen.core.figures.style import new_figure, save, style_context
from diffgen.core.figures.tables import checked


def plot(table, pdf, png, style=None, options=None) -> None:
    table = checked(table, "fig6", numeric=("value", "N"), labels=("a", "b"))
    names = list(dict.fromkeys(table["a"]))
    index = {n: i for i, n in enumerate(names)}
    matrix = np.full((len(names), len(names)), np.nan)
    for _, r in table.iterrows():
        matrix[index[r["a"]], index[r["b"]]] = r["value"]
    with style_context(style):
        size = 0.45 * len(names) + 1.6
        fig, axes = new_figure(1, 1, panel_width=size + 0.8, panel_height=size)
        ax = axes[0, 0]
        image = ax.imshow(matrix, vmin=0, vmax=1, cmap="viridis")
        for i in range(len(names)):
            for j in range(len(names)):
                color = "black" if matrix[i, j] > 0.6 else "white"
                ax.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", fontsize=6,
                        color=color)  # fmt: skip
        ax.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=6)
        ax.set_yticks(range(len(names)), names, fontsize=6)
        ax.set_title(f"RP score, N = {int(table['N'].iloc[0]):,}")
        fig.colorbar(image, ax=ax, shrink=0.8)
        save(fig, pdf, png)
