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


#: Minutes a training attempt of S steps asks for: a conservative rate, plus start-up.
def rhm_train_minutes(steps):
    return steps / rhm.config["cluster"]["train_steps_per_minute"] + 10


def rhm_train_wildcards(sizes):
    """Wildcard formats of a training rule: its sizes P only when budgets differ."""
    if len(RHM_PLAN.budgets()) == 1:
        return RHM_WILDCARDS
    return {**RHM_WILDCARDS, "P": "|".join(str(P) for P in sizes)}
