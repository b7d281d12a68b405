# Study 3, "Reproducibility and memorization": datasets (MoLRG, digits, a user's
# images) -> denoiser training (MLP or DDPM++) -> banks sampled from shared
# latents (nets, D_N, D*) -> RP/GL/on-subspace scores per training set, and
# Jacobian ranks against sigma -> figures.
# Targets: repro_fig2, repro_fig4, repro_fig6, repro_jac, repro (all), repro_data, repro_models.

from diffgen.repro.config import check_consistency as repro_check
from diffgen.repro import plan as repro_plan_module
from diffgen.repro.registry import FIGURES as REPRO_FIGURES

repro = Study(
    "repro",
    "Study 3: reproducibility and memorization",
    check=repro_check,
    figures=REPRO_FIGURES,
    identity=True,
)
REPRO_PLAN = repro_plan_module.Plan(repro.config)


include: "rules/paths.smk"
include: "rules/specs.smk"
include: "rules/inputs.smk"
include: "rules/data.smk"
include: "rules/train.smk"
include: "rules/measure.smk"
