"""Input functions of study 3: which files a job or a figure reads."""


def repro_source(w):
    """A bank's or a Jacobian's denoiser: the net's checkpoint, or the training set."""
    template = repro.CHECKPOINT if repro_denoiser_kind(w.model) == "net" else repro.DATA
    return template.format(dataset=w.dataset, N=w.N, model=w.model)


def repro_banks(w):
    return [
        repro.SAMPLES.format(dataset=w.dataset, N=w.N, model=model)
        for model in REPRO_PLAN.scored()[(w.dataset, int(w.N), w.group)]
    ]


def repro_threshold_data(w):
    return repro.DATA.format(dataset=w.dataset, N=REPRO_PLAN.threshold_size(w.dataset))


def repro_scores(group):
    """figure -> the score tables of a group at the figure's sizes."""

    def paths(figure):
        options = repro.figure_options(figure)
        sizes = options["N"] if isinstance(options["N"], list) else [options["N"]]
        dataset = REPRO_PLAN.main_dataset()
        return [repro.SCORE.format(dataset=dataset, N=N, group=group) for N in sizes]

    return paths


for repro_kind, repro_paths_of in {
    "sizes": repro_scores("sizes"),
    "families": repro_scores("families"),
    "jacobian": lambda figure: [
        repro.JACOBIAN.format(dataset=d, N=N, model=m)
        for d, N, m in REPRO_PLAN.jacobians()
    ],
}.items():
    repro.add_inputs(repro_kind, repro_paths_of)
repro.add_data(
    lambda: [repro.DATA.format(dataset=d, N=N) for d, N in REPRO_PLAN.datasets()]
)
repro.add_models(
    lambda: [
        repro.CHECKPOINT.format(dataset=r.dataset, N=r.N, model=r.model)
        for r in REPRO_PLAN.runs()
    ]
)
