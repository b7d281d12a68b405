# Wildcards and sizing constants of study 4 (its path templates are declared in
# study.smk). Run names read <variant>_<split>_c<classes>_rho<ρ>_n<size>[_nodigit].

AMPLIFY_DATASET = r"(train|test)_c\d+_rho[0-9.e+-]+_n(all|\d+)(_nodigit)?"

#: Wildcard formats, set per rule (other studies may use the same names).
AMPLIFY_WILDCARDS = {
    "dataset": AMPLIFY_DATASET,
    "run": r"[A-Za-z0-9]+_" + AMPLIFY_DATASET,
    "setting": r"(heun|euler)_N\d+_churn[0-9.e+-]+_pc\d+",
    "T": r"\d+",
    "w": r"[0-9.e+-]+",
    "step": r"\d+",
}

AMPLIFY_EDM_STEPS = amplify.config["training"]["steps"]
AMPLIFY_DDPM_STEPS = amplify.config["figures"]["fig5"]["training"]["iterations"]

#: Minutes a training attempt asks for: steps at a conservative rate, plus start-up.
AMPLIFY_EDM_MINUTES = (
    AMPLIFY_EDM_STEPS / amplify.config["cluster"]["edm_steps_per_minute"] + 10
)
AMPLIFY_DDPM_MINUTES = (
    AMPLIFY_DDPM_STEPS / amplify.config["cluster"]["ddpm_steps_per_minute"] + 10
)


def amplify_edm_checkpoint(run):
    return amplify.EDM_CHECKPOINT.format(run=run, step=AMPLIFY_EDM_STEPS)


def amplify_ddpm_checkpoint(T):
    return amplify.DDPM_CHECKPOINT.format(T=T, step=AMPLIFY_DDPM_STEPS)
