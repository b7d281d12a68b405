"""Input functions of study 5: which files a job or a figure reads."""

from diffgen.rhm.tables import COLUMNS as RHM_COLUMNS


def rhm_run_path(template, run, **extra):
    return template.format(grammar=run.grammar, P=run.P, seed=run.seed, **extra)


def rhm_checkpoints(w):
    """The checkpoints a run's measurement covers (every sampled one, or the last)."""
    return [
        rhm.CHECKPOINT.format(grammar=w.grammar, P=w.P, seed=w.seed, step=step)
        for step in RHM_PLAN.measured(w.which, int(w.P))
    ]


def rhm_banks(w):
    return [
        rhm.SAMPLES.format(grammar=w.grammar, P=w.P, seed=w.seed, step=step)
        for step in RHM_PLAN.measured(w.which, int(w.P))
    ]


def rhm_last_checkpoint(w):
    step = RHM_PLAN.checkpoints(int(w.P))[-1]
    return rhm.CHECKPOINT.format(grammar=w.grammar, P=w.P, seed=w.seed, step=step)


def rhm_measure_paths(figure):
    """The measurement tables of the run family a figure names (figures.<figure>.runs),
    covering the checkpoints the family's `measured` says."""
    family = RHM_PLAN.section_of(figure, "measure")
    which = RHM_PLAN.measured_of(family)
    return [
        rhm_run_path(rhm.MEASURE, run, which=which) for run in RHM_PLAN.runs(family)
    ]


def rhm_fb_paths(part):
    """figure -> the forward-backward tables of BP and of the overlaid models (the study's
    one forward-backward measurement, whatever figure reads it)."""

    def paths(figure):
        bp = [rhm.FB_BP.format(grammar=g, part=part) for g in RHM_PLAN.fb_grammars()]
        models = [
            rhm_run_path(rhm.FB_MODEL, r, part=part) for r in RHM_PLAN.fb_models()
        ]
        return bp + models

    return paths


# The kinds of measurement tables the figures of the registry read.
rhm.add_inputs("measure", rhm_measure_paths, RHM_COLUMNS["measure"])
rhm.add_inputs("keep", rhm_fb_paths("keep"), RHM_COLUMNS["keep"])
rhm.add_inputs("fluct", rhm_fb_paths("fluct"), RHM_COLUMNS["fluct"])
rhm.add_data(
    lambda: [
        rhm.DATA.format(grammar=grammar, P=P) for grammar, P in RHM_PLAN.datasets()
    ]
)
rhm.add_models(
    lambda: [
        rhm_run_path(rhm.CHECKPOINT, run, step=step)
        for run in RHM_PLAN.all_runs()
        for step in RHM_PLAN.checkpoints(run.P)
    ]
)
