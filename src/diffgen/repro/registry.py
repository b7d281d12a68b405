"""Study 3's figures: the one place a figure is named (the workflow is generated from it)."""

from __future__ import annotations

from diffgen.core.registry import Figure

TABLES, PLOTS = "diffgen.repro.tables", "diffgen.repro.figures"

FIGURES = {
    "fig2": Figure(
        title="P1 Fig 2: RP of width pairs and GL per width against N",
        inputs=("sizes",),
        table=f"{TABLES}:fig2",
        plot=f"{PLOTS}.curves:plot_fig2",
    ),
    "fig4": Figure(
        title="P1 Fig 4 (left): RP of each width against D_N",
        inputs=("sizes",),
        table=f"{TABLES}:fig4",
        plot=f"{PLOTS}.curves:plot_fig4",
    ),
    "fig6": Figure(
        title="P1 Fig 6/12: RP matrix of model families",
        inputs=("families",),
        table=f"{TABLES}:fig6",
        plot=f"{PLOTS}.matrix:plot",
    ),
    "jac": Figure(
        title="P2 Fig 3: Jacobian rank against SNR",
        inputs=("jacobian",),
        table=f"{TABLES}:jac",
        plot=f"{PLOTS}.jacobian:plot",
    ),
}
