# Study 2, "Generalization in diffusion models arises from geometry-adaptive
# harmonic representations": images (C^alpha, discs, digits or CelebA) -> splits
# A/B and a test set -> bias-free denoisers -> samples, PSNR, Jacobian spectra -> figures.
# Targets: harmonic_fig1 harmonic_fig2 harmonic_var harmonic_fig3 harmonic_sigma
# harmonic_calpha harmonic_disc, harmonic (all), harmonic_data, harmonic_models.

from diffgen.harmonic import plan as harmonic_plan
from diffgen.harmonic.registry import FIGURES as HARMONIC_FIGURES

harmonic = Study(
    "harmonic",
    "Study 2: geometry-adaptive harmonic representations",
    check=harmonic_plan.check,
    figures=HARMONIC_FIGURES,
    identity=True,
)
HARMONIC_PLAN = harmonic_plan.Plan(harmonic.config)


include: "rules/paths.smk"
include: "rules/specs.smk"
include: "rules/data.smk"
include: "rules/train.smk"
include: "rules/measure.smk"
