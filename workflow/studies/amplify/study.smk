# Study 4, "Bias amplification by the sampler": colour-biased digits -> EDM
# DDPM++ trainings (one per network variant and data set) and fig 5's
# class-conditional ε-UNets -> ρ_model per sampler setting (a setting never
# retrains) -> figures. Targets: amplify_fig1 .. amplify_fig5, amplify_figA,
# amplify (all), amplify_data, amplify_models.

from diffgen.amplify.config import check_consistency as amplify_check
from diffgen.amplify import plan as amplify_plan
from diffgen.amplify.registry import FIGURES as AMPLIFY_FIGURES

amplify = Study(
    "amplify",
    "Study 4: Bias amplification by the sampler",
    check=amplify_check,
    figures=AMPLIFY_FIGURES,
    # Path templates below results/amplify/; a run is (network variant, data set).
    paths={
        "DATA": "data/{dataset}.h5",
        "EDM_RUN_DIR": "train/edm/{run}",
        "EDM_CHECKPOINT": "train/edm/{run}/step{step}.pt",
        "DDPM_RUN_DIR": "train/ddpm/T{T}",
        "DDPM_CHECKPOINT": "train/ddpm/T{T}/step{step}.pt",
        "EDM_MEASURE": "measure/edm/{run}/{setting}.csv",
        "DDPM_MEASURE": "measure/ddpm/T{T}/w{w}.csv",
        "ACCURACY": "measure/figA/{dataset}.csv",
    },
    identity=True,
)
AMPLIFY_PLAN = amplify_plan.Plan(amplify.config)


include: "rules/paths.smk"
include: "rules/specs.smk"
include: "rules/inputs.smk"
include: "rules/data.smk"
include: "rules/train.smk"
include: "rules/sample.smk"
