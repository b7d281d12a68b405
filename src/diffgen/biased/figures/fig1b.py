"""Fig. 1(b): sequential learning at the critical time, one panel per training-set size.

Table columns: n, epoch, series, mean, se (see :mod:`diffgen.figures.sequential`).
"""

from __future__ import annotations

import pandas as pd

from diffgen.biased.figures.sequential import plot_sequential


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write Fig. 1(b) as ``pdf`` and ``png``."""
    plot_sequential(table, pdf, png, style, figure="fig1b", options=options)
