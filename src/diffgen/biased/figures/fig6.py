"""Fig. 6 (appendix): Fig. 1(b) for every training-set size, one column per size.

Same table and drawing as Fig. 1(b), from the sequential-learning measurement
that ``figures.fig6.sequential`` names; when Fig. 1(b) names the same one the
two figures share its measurement files.
"""

from __future__ import annotations

import pandas as pd

from diffgen.biased.figures.sequential import plot_sequential


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write Fig. 6 as ``pdf`` and ``png``."""
    plot_sequential(table, pdf, png, style, figure="fig6", options=options)
