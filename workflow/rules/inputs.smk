"""Input functions and target lists: which files a job or a figure reads."""


def checkpoints_of(model_id):
    return [
        CHECKPOINT.format(
            n=model_id.n, split=model_id.split, seed=model_id.seed, epoch=e
        )
        for e in PLAN.checkpoints(model_id.n)
    ]


def run_checkpoints(w):
    return checkpoints_of(wildcard_model(w))


def run_samples(w):
    return [
        SAMPLES.format(n=w.n, split=w.split, seed=w.seed, epoch=e)
        for e in PLAN.checkpoints(int(w.n))
    ]


def pair_checkpoints(which):
    def inputs(w):
        split, seed = (w.split1, w.seed1) if which == 1 else (w.split2, w.seed2)
        return checkpoints_of(ModelId(int(w.n), int(split), int(seed)))

    return inputs


def model_paths(template, figure, n, **extra):
    return [
        template.format(n=m.n, split=m.split, seed=m.seed, **extra)
        for m in PLAN.figure_models(figure, n)
    ]


def initial_noise_path(rows):
    return INITIAL_NOISE.format(rows=rows)


def reference_epoch(figure, n, which):
    """Read a reference epoch chosen by the reference_epochs checkpoint rule."""
    path = checkpoints.reference_epochs.get(figure=figure, n=n).output[0]
    with open(path) as handle:
        return json.load(handle)[which]


def reference_checkpoint(figure, which=None):
    """Checkpoint at a reference epoch (``which`` None: the ``reference`` wildcard)."""

    def inputs(w):
        epoch = reference_epoch(figure, w.n, which or w.reference)
        return CHECKPOINT.format(n=w.n, split=w.split, seed=w.seed, epoch=epoch)

    return inputs


#: figures that need the NN-divergence minimum besides the test-loss minimum
NEEDS_NN_MINIMUM = ("fig5",)


def reference_inputs(w):
    n = int(w.n)
    inputs = {"loss": model_paths(LOSS, w.figure, n)}
    if w.figure in NEEDS_NN_MINIMUM:
        inputs["nn"] = model_paths(NN, w.figure, n)
    return inputs


def reference_arguments(wildcards, input):
    return f"--nn {input.nn}" if "nn" in input.keys() else ""


def pair_paths(n):
    return [
        SAMPLE_SPLIT.format(
            n=n,
            kind="same" if pair.same_split else "disjoint",
            split1=pair.first.split,
            seed1=pair.first.seed,
            split2=pair.second.split,
            seed2=pair.second.seed,
        )
        for pair in PLAN.pairs(n)
    ]


def per_size(figure, template, **extra):
    return [
        path
        for n in PLAN.figure_sizes(figure)
        for path in model_paths(template, figure, n, **extra)
    ]


def table_inputs(w):
    figure = w.figure
    sizes = PLAN.figure_sizes(figure)
    if figure == "fig4a":
        return {"nn": per_size(figure, NN), "loss": per_size(figure, LOSS)}
    if figure in ("fig1b", "fig6"):
        return {
            "sequential": per_size(figure, SEQUENTIAL),
            "sample_split": [p for n in sizes for p in pair_paths(n)],
        }
    if figure == "fig3b":
        return {"score": per_size(figure, SCORE)}
    if figure == "fig4b":
        return {"decomposition": per_size(figure, DECOMPOSITION)}
    if figure == "fig5":
        refs = ("nn_divergence_min", "test_loss_min")
        return {
            "uturn": [p for r in refs for p in per_size(figure, UTURN, reference=r)]
        }
    return {"uturn_random": per_size(figure, UTURN_RANDOM)}


def table_arguments(wildcards, input):
    return " ".join(
        f"--{name.replace('_', '-')} {' '.join(input[name])}" for name in input.keys()
    )


def figure_files(figure):
    return expand(FIGURE, figure=figure, ext=("pdf", "png"))


def all_checkpoints():
    return [path for model in PLAN.all_models() for path in checkpoints_of(model)]
