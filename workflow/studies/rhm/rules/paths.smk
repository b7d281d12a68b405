# Wildcards and sizing constants of study 5 (its path templates are declared in
# study.smk). A run is (grammar, P, seed); grammar names read v8n8m3s2L3.

RHM_RUN = "{grammar}/P{P}/seed{seed}"

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
