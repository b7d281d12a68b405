"""Grids of representative pairs: NN A | A | B | NN B, one row per pair, one block per epoch.

Shared by Fig 1(a)'s right half and App. Fig 7. Images come from the figure
table's image rows (pixel columns, display values in [0, 1]). The grid is
placed at fixed inches (no layout engine), so images keep square cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from diffgen.core.errors import InputFileError

ROLES = ("nn_a", "a", "b", "nn_b")
ROLE_TITLES = {"nn_a": "NN A", "a": "A", "b": "B", "nn_b": "NN B"}
PANEL_TITLES = {"tau_cos": "τ_cos", "tau_loss": "τ_loss", "last": "last"}
SPACER = 0.35  # width of the gap between blocks, in image widths
GAP = 0.06  # gap between images of a row, in image widths
LABEL = 0.17  # inches under each row for the similarity labels
HEAD = 0.42  # inches above the grid for the block and column titles


def pixels(row: pd.Series) -> np.ndarray:
    """The (height, width) image of one image row."""
    height, width = int(row["height"]), int(row["width"])
    columns = [f"pixel{i}" for i in range(height * width)]
    missing = [c for c in columns if c not in row.index]
    if missing:
        raise InputFileError(f"image rows lack column '{missing[0]}'")
    return row[columns].to_numpy(dtype=np.float64).reshape(height, width)


def panel_title(panel: str, epoch: int) -> str:
    return f"{PANEL_TITLES.get(panel, panel)}: epoch {epoch:,}"


def grid_width(blocks: int, cell: float) -> float:
    """Inches of ``blocks`` blocks of four images of ``cell`` inches."""
    return cell * (blocks * (4 + 3 * GAP) + (blocks - 1) * SPACER)


def grid_height(pairs: int, cell: float) -> float:
    return HEAD + pairs * (cell + LABEL)


def draw(
    fig: Figure,
    images: pd.DataFrame,
    panels: list[str],
    origin: tuple[float, float],
    cell: float,
    nn_labels: bool,
) -> None:
    """Draw the blocks of ``panels`` with the grid's lower-left corner at ``origin`` (inches)."""
    width, height = fig.get_size_inches()
    pairs = int(images["rank"].max()) + 1
    x0, y0 = origin
    for p, panel in enumerate(panels):
        rows = images[images["panel"] == panel]
        if rows.empty:
            raise InputFileError(f"the table has no image rows for {panel}")
        left = x0 + p * cell * (4 + 3 * GAP + SPACER)
        top = y0 + grid_height(pairs, cell)
        title = panel_title(panel, int(rows["epoch"].iloc[0]))
        middle = left + grid_width(1, cell) / 2
        fig.text(middle / width, (top - 0.02) / height, title, ha="center", va="top", fontsize=7.5)
        for _, row in rows.iterrows():
            r, c = int(row["rank"]), ROLES.index(row["role"])
            x = left + c * cell * (1 + GAP)
            y = top - HEAD - (r + 1) * cell - r * LABEL
            ax = fig.add_axes((x / width, y / height, cell / width, cell / height))
            ax.imshow(pixels(row), cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            if r == 0:
                ax.set_title(ROLE_TITLES[row["role"]], fontsize=6.5, pad=2)
            if row["role"] == "a":  # the pair's similarity, centred under A and B
                middle = x + cell * (1 + GAP / 2)
                fig.text(middle / width, (y - 0.03) / height, f"r = {row['similarity']:.2f}",
                         ha="center", va="top", fontsize=5.5)  # fmt: skip
            elif nn_labels and row["role"].startswith("nn_"):
                ax.set_xlabel(f"{row['similarity']:.2f}", fontsize=5.5, labelpad=1.5)
