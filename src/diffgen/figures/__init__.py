"""Paper figures drawn from measurement tables (pandas DataFrames read from CSV).

Plotters never recompute anything: every number they show is in the table they
are given, so a figure can be redrawn in seconds and audited against its CSV.
``PLOTTERS`` maps a figure name to ``plot(table, pdf, png, style=None)``.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from diffgen.figures import fig1b, fig3b, fig4a, fig4b, fig5, fig6, figA11

Plotter = Callable[[pd.DataFrame, str, str, "str | None"], None]

PLOTTERS: dict[str, Plotter] = {
    "fig1b": fig1b.plot,
    "fig6": fig6.plot,
    "fig3b": fig3b.plot,
    "fig4a": fig4a.plot,
    "fig4b": fig4b.plot,
    "fig5": fig5.plot,
    "figA11": figA11.plot,
}

__all__ = ["PLOTTERS", "Plotter"]
