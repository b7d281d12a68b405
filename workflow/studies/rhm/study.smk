# Study 5, "Diffusion on the Random Hierarchy Model": RHM data -> bpUNet
# training (uniform D3PM) -> fix-noise sample banks -> validity, copies and
# losses per checkpoint; exact BP forward-backward runs -> figures.
# Targets: rhm_fig1 .. rhm_fig4, rhm (all), rhm_data, rhm_models.

from diffgen.rhm.config import check_consistency as rhm_check
from diffgen.rhm import plan as rhm_plan
from diffgen.rhm.registry import FIGURES as RHM_FIGURES

rhm = Study(
    "rhm",
    "Study 5: diffusion on the Random Hierarchy Model",
    check=rhm_check,
    figures=RHM_FIGURES,
    # Path templates below results/rhm/; a run is (grammar, P, seed).
    paths={
        "DATA": "data/{grammar}/P{P}.h5",
        "RUN_DIR": "train/{grammar}/P{P}/seed{seed}",
        "CHECKPOINT": "train/{grammar}/P{P}/seed{seed}/step{step}.pt",
        "SAMPLES": "samples/{grammar}/P{P}/seed{seed}/step{step}.h5",
        "MEASURE": "measure/{grammar}/P{P}/seed{seed}_{which}.csv",
        "STRINGS": "strings/{grammar}.h5",
        "FB_BP": "forward_backward/bp/{grammar}_{part}.csv",
        "FB_MODEL": "forward_backward/model/{grammar}/P{P}/seed{seed}_{part}.csv",
    },
    identity=True,
)
RHM_PLAN = rhm_plan.Plan(rhm.config)


include: "rules/paths.smk"
include: "rules/specs.smk"
include: "rules/inputs.smk"
include: "rules/data.smk"
include: "rules/train.smk"
include: "rules/sample.smk"
include: "rules/forward_backward.smk"
