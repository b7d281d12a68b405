"""What study 2's plotters share: images from table cells, panels of images."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from diffgen.core.errors import InputFileError


def image(cell: str, figure: str) -> np.ndarray:
    """A square image from a table's ``pixels`` cell."""
    values = np.array([float(v) for v in str(cell).split()])
    side = round(math.sqrt(len(values)))
    if side * side != len(values) or side == 0:
        raise InputFileError(f"{figure} table: a pixels cell of {len(values)} values is no image")
    return values.reshape(side, side)


def show(ax, pixels: np.ndarray, title: str = "", signed: bool = False) -> None:
    """Gray image in [0, 1], or a signed one (an eigenvector) in bwr around 0."""
    if signed:
        bound = float(np.abs(pixels).max()) or 1.0
        ax.imshow(pixels, cmap="bwr", vmin=-bound, vmax=bound)
    else:
        ax.imshow(pixels, cmap="gray", vmin=0, vmax=1)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=7)


def kind(table: pd.DataFrame, name: str, figure: str) -> pd.DataFrame:
    if "kind" not in table.columns:
        raise InputFileError(f"{figure} table lacks column 'kind'")
    rows = table[table["kind"] == name]
    if rows.empty:
        raise InputFileError(f"{figure} table has no '{name}' rows")
    return rows


def panel_order(panels) -> list[str]:
    fixed = ["clean", "noisy", "denoised"]
    eig = sorted((p for p in panels if p.startswith("e_")), key=lambda p: int(p[2:]))
    return [p for p in fixed if p in set(panels)] + eig
