"""Study 2's figures: the one place a figure is named (the workflow is generated from it)."""

from __future__ import annotations

from diffgen.core.registry import Figure

TABLES, PLOTS = "diffgen.harmonic.tables", "diffgen.harmonic.figures"


def _figure(name: str, title: str, inputs: tuple[str, ...]) -> Figure:
    return Figure(title=title, inputs=inputs, table=f"{TABLES}:{name}", plot=f"{PLOTS}.{name}:plot")


FIGURES = {
    "fig1": _figure(
        "fig1", "Fig 1: samples of models A and B and their nearest images", ("pair_images",)
    ),
    "fig2": _figure("fig2", "Fig 2: denoising PSNR on training and test images", ("psnr",)),
    "var": _figure("var", "Generalization and memorization cosines, V(sigma)", ("pair",)),
    "fig3": _figure(
        "fig3", "Fig 3: Jacobian eigenvalues and eigenvectors (GAHB)", ("spectrum", "basis")
    ),
    "sigma": _figure(
        "sigma", "Spectra and effective dimension against sigma", ("spectrum", "summary")
    ),
    "calpha": _figure(
        "calpha", "C^alpha images: PSNR slopes against alpha/(alpha+1)", ("psnr", "basis")
    ),
    "disc": _figure(
        "disc",
        "Discs: spectra and PSNR against the 5-dim optimum",
        ("spectrum", "summary", "psnr", "basis"),
    ),
}
