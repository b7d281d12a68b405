"""Study 5's figures: the one place a figure is named (the workflow is generated from it)."""

from __future__ import annotations

from diffgen.core.registry import Figure

TABLES, PLOTS = "diffgen.rhm.tables", "diffgen.rhm.figures"

FIGURES = {
    "fig1": Figure(
        title="Fig 1: validity, copies and losses over training",
        inputs=("measure",),
        table=f"{TABLES}:fig1",
        plot=f"{PLOTS}.fig1:plot",
    ),
    "fig2": Figure(
        title="Fig 2: final validity against the training-set size",
        inputs=("measure",),
        table=f"{TABLES}:fig2",
        plot=f"{PLOTS}.fig2:plot",
    ),
    "fig3": Figure(
        title="Fig 3: forward-backward, what survives per level",
        inputs=("keep",),
        table=f"{TABLES}:fig3",
        plot=f"{PLOTS}.fig3:plot",
    ),
    "fig4": Figure(
        title="Fig 4: susceptibility and correlations of changes",
        inputs=("fluct",),
        table=f"{TABLES}:fig4",
        plot=f"{PLOTS}.fig4:plot",
    ),
}
