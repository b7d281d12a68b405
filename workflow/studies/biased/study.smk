# Study 1, "Biased generalization in diffusion models" (controlled setting):
# grammar data -> per-seed transformer training -> sampling -> measurements ->
# figures. Its figure targets keep the paper's names (fig4a; also biased_fig4a).

from diffgen.biased.config import check_consistency as biased_check
from diffgen.biased.plan import ModelId as BiasedModel, Plan as BiasedPlan
from diffgen.biased.plan import REFERENCES as BIASED_REFERENCES
from diffgen.biased.registry import FIGURES as BIASED_FIGURES

biased = Study(
    "biased",
    "Study 1: biased generalization",
    check=biased_check,
    figures=BIASED_FIGURES,
    bare_targets=True,
    identity=True,
    options=lambda figure: BIASED_PLAN.figure_options(figure),
)
BIASED_PLAN = BiasedPlan(biased.config)


include: "rules/paths.smk"
include: "rules/specs.smk"
include: "rules/inputs.smk"
include: "rules/data.smk"
include: "rules/train.smk"
include: "rules/sample.smk"
include: "rules/nn.smk"
include: "rules/oracle.smk"
include: "rules/decomposition.smk"
include: "rules/uturn.smk"
include: "rules/reference.smk"
# CelebA part (Fig 1(a), Fig 2, App. Fig 7): U-Nets on face images.
include: "rules/faces_paths.smk"
include: "rules/faces_data.smk"
include: "rules/faces_train.smk"
include: "rules/faces_sample.smk"
include: "rules/faces_noise.smk"
include: "rules/faces_reference.smk"
