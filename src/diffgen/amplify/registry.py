"""The figures of study `amplify`: the one place a figure is named (rules are generated from it)."""

from __future__ import annotations

from diffgen.core.registry import Figure

FIGURES = {
    "toy": Figure(
        title="Toy: error of the empirical mean against the sample size",
        inputs=("moments",),
        table="diffgen.amplify.tables:toy",
        plot="diffgen.amplify.figures.toy:plot",
    ),
}
