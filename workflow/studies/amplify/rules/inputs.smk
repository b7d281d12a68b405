"""Input functions of study 4: which files a job or a figure reads."""

from diffgen.amplify.tables import COLUMNS as AMPLIFY_COLUMNS


def amplify_run_data(w):
    return amplify.DATA.format(dataset=AMPLIFY_PLAN.run(w.run).data.name())


def amplify_run_checkpoint(w):
    return amplify_edm_checkpoint(w.run)


def amplify_ddpm_data(w):
    return amplify.DATA.format(dataset=AMPLIFY_PLAN.ddpm_data().name())


def amplify_ddpm_input_checkpoint(w):
    return amplify_ddpm_checkpoint(w.T)


def amplify_edm_tables(figure):
    """The ρ_model tables of an EDM figure: one per (run, sampler setting)."""
    return [
        amplify.EDM_MEASURE.format(run=run.name(), setting=setting.name())
        for run, setting in AMPLIFY_PLAN.measurements(figure)
    ]


def amplify_ddpm_tables():
    fig5 = amplify.config["figures"]["fig5"]
    return [
        amplify.DDPM_MEASURE.format(T=T, w=f"{float(w):g}")
        for T in AMPLIFY_PLAN.ddpm_T()
        for w in fig5["w"]
    ]


amplify.add_inputs(
    "edm",
    lambda figure: amplify_edm_tables(figure) if figure != "fig5" else [],
    AMPLIFY_COLUMNS["edm"],
)
amplify.add_inputs("ddpm", amplify_ddpm_tables, AMPLIFY_COLUMNS["ddpm"])
amplify.add_inputs(
    "accuracy",
    lambda: [amplify.ACCURACY.format(dataset=AMPLIFY_PLAN.figa_data().name())],
    AMPLIFY_COLUMNS["accuracy"],
)
amplify.add_data(
    lambda: [amplify.DATA.format(dataset=d.name()) for d in AMPLIFY_PLAN.datasets()]
)
amplify.add_models(
    lambda: [amplify_edm_checkpoint(run.name()) for run in AMPLIFY_PLAN.runs()]
    + [amplify_ddpm_checkpoint(T) for T in AMPLIFY_PLAN.ddpm_T()]
)
