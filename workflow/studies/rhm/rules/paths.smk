# Output paths of study 5 (templates), kept on the study object, and its sizing
# constants. A run is (grammar, P, seed); grammar names read v8n8m3s2L3.

rhm.RUN = "{grammar}/P{P}/seed{seed}"
rhm.DATA = f"{rhm.results}/data/{{grammar}}/P{{P}}.h5"
rhm.RUN_DIR = f"{rhm.results}/train/{rhm.RUN}"
rhm.CHECKPOINT = f"{rhm.RUN_DIR}/step{{step}}.pt"
rhm.SAMPLES = f"{rhm.results}/samples/{rhm.RUN}/step{{step}}.h5"
rhm.MEASURE = f"{rhm.results}/measure/{rhm.RUN}_{{which}}.csv"
rhm.STRINGS = f"{rhm.results}/strings/{{grammar}}.h5"
rhm.FB_BP = f"{rhm.results}/forward_backward/bp/{{grammar}}_{{part}}.csv"
rhm.FB_MODEL = f"{rhm.results}/forward_backward/model/{rhm.RUN}_{{part}}.csv"

#: Wildcard formats, set per rule (other studies may use the same names).
RHM_WILDCARDS = {
    "grammar": r"v\d+n\d+m\d+s\d+L\d+",
    "P": r"\d+",
    "seed": r"\d+",
    "step": r"\d+",
    "which": "all|last",
}

#: Minutes a training attempt asks for: steps at a conservative rate, plus start-up.
RHM_TRAIN_MINUTES = (
    rhm.config["training"]["steps"] / rhm.config["cluster"]["train_steps_per_minute"]
    + 10
)
