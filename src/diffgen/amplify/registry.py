"""Study 4's figures: the one place a figure is named (the workflow is generated from it)."""

from __future__ import annotations

from diffgen.core.registry import Figure

TABLES, PLOTS = "diffgen.amplify.tables", "diffgen.amplify.figures"


def _figure(name: str, title: str, inputs: tuple[str, ...]) -> Figure:
    return Figure(title=title, inputs=inputs, table=f"{TABLES}:{name}", plot=f"{PLOTS}:{name}")


FIGURES = {
    "fig1": _figure("fig1", "Fig 1: ρ_model against ρ per sampler setting", ("edm",)),
    "fig2": _figure("fig2", "Fig 2: no-digit, downsized, K=2, K=3 variants", ("edm",)),
    "fig3": _figure("fig3", "Fig 3: ρ_model against the class size", ("edm",)),
    "fig4": _figure("fig4", "Fig 4: ρ_model against the number of steps N", ("edm",)),
    "fig5": _figure("fig5", "Fig 5: DDPM, ρ_model against the CFG strength w", ("ddpm",)),
    "figA": _figure("figA", "Fig A: bias-classifier accuracy under noise", ("accuracy",)),
}
