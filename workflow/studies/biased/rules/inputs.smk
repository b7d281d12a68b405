"""Input functions of study 1: which files a job or a figure reads."""

from diffgen.biased.reference import read_references as biased_read_references
from diffgen.biased.tables import COLUMNS as BIASED_COLUMNS


def biased_checked_one(value):
    """``biased.checked`` of one named input, for inputs that wait on the reference epochs:
    a named input (not unpacked) keeps its name in the plan before the checkpoint rule runs.
    """

    def inputs(w):
        return biased.checked(value=value)(w)["value"]

    return inputs


def biased_checkpoints_of(model):
    return [
        biased.CHECKPOINT.format(n=model.n, split=model.split, seed=model.seed, epoch=e)
        for e in BIASED_PLAN.checkpoints(model.n)
    ]


def biased_run_checkpoints(w):
    return biased_checkpoints_of(biased_wildcard_model(w))


def biased_run_samples(w):
    return [
        biased.SAMPLES.format(n=w.n, split=w.split, seed=w.seed, epoch=e)
        for e in BIASED_PLAN.checkpoints(int(w.n))
    ]


def biased_pair_checkpoints(w):
    """Every checkpoint of the pairs' models, model by model (the spec's order)."""
    models = BIASED_PLAN.pair_models(w.measurement, int(w.n))
    return [path for model in models for path in biased_checkpoints_of(model)]


def biased_model_paths(template, figure, n, **extra):
    return [
        template.format(n=m.n, split=m.split, seed=m.seed, **extra)
        for m in BIASED_PLAN.figure_models(figure, n)
    ]


def biased_initial_noise(rows):
    return biased.INITIAL_NOISE.format(rows=rows)


def biased_reference_epochs_of(figure, n):
    """The reference epochs of biased_reference_epochs, checked (a bad record stops the
    run with one line naming it)."""
    path = checkpoints.biased_reference_epochs.get(figure=figure, n=n).output[0]
    try:
        return biased_read_references(path, BIASED_PLAN.checkpoints(int(n)))
    except DiffgenError as err:
        fail(err)


def biased_reference_epoch(figure, n, which):
    epoch = biased_reference_epochs_of(figure, n)[which]
    if epoch is None:
        path = checkpoints.biased_reference_epochs.get(figure=figure, n=n).output[0]
        fail(f"{path}: reference epochs lack '{which}'")
    return epoch


def biased_reference_checkpoint(figure, which=None):
    """Checkpoint at a reference epoch (``which`` None: the ``reference`` wildcard)."""

    def inputs(w):
        epoch = biased_reference_epoch(figure, w.n, which or w.reference)
        return biased.CHECKPOINT.format(n=w.n, split=w.split, seed=w.seed, epoch=epoch)

    return inputs


def biased_score_checkpoints(w):
    """Every Fig 3(b) model of the size, at the size's test-loss minimum."""
    n = int(w.n)
    epoch = biased_reference_epoch("fig3b", n, "test_loss_min")
    return [
        biased.CHECKPOINT.format(n=n, split=m.split, seed=m.seed, epoch=epoch)
        for m in BIASED_PLAN.figure_models("fig3b", n)
    ]


def biased_score_noise(w):
    """x_T of the reverse trajectories, when Fig 3(b) follows them (none: forward)."""
    fig = biased.config["figures"]["fig3b"]
    if fig["trajectory"] == "forward":
        return []
    return [biased_initial_noise(fig["n_sequences"] * fig["reps"])]


def biased_noise_argument(wildcards, input):
    """No noise (an empty input) for forward trajectories."""
    noise = getattr(input, "noise", [])
    return f"--initial-noise {noise}" if len(noise) else ""


def biased_named_epochs(figure, n):
    """Epoch -> names of the checkpoints a figure shows (figures.<figure>.checkpoints)."""
    names = biased.config["figures"][figure]["checkpoints"]
    references = {}
    if any(name in BIASED_REFERENCES for name in names):
        references = biased_reference_epochs_of(figure, n)
    return BIASED_PLAN.named_epochs(names, n, references)


def biased_named_checkpoints(figure):
    def inputs(w):
        return [
            biased.CHECKPOINT.format(n=w.n, split=w.split, seed=w.seed, epoch=epoch)
            for epoch in biased_named_epochs(figure, int(w.n))
        ]

    return inputs


def biased_named_labels(figure):
    def labels(w):
        return " ".join(
            "+".join(names) for names in biased_named_epochs(figure, int(w.n)).values()
        )

    return labels


def biased_needs_nn_minimum(figure):
    """Whether a figure's reference epochs include the NN-divergence minimum (its
    ``checkpoints`` name it)."""
    names = biased.config["figures"][figure].get("checkpoints", [])
    return "nn_divergence_min" in names


def biased_reference_inputs(w):
    n = int(w.n)
    kinds = ("loss", "nn") if biased_needs_nn_minimum(w.figure) else ("loss",)
    templates = {"loss": biased.LOSS, "nn": biased.NN}
    models = BIASED_PLAN.reference_models(w.figure, n)
    return {
        kind: intact(
            [templates[kind].format(n=m.n, split=m.split, seed=m.seed) for m in models],
            BIASED_COLUMNS[kind],
        )(w)
        for kind in kinds
    }


def biased_reference_arguments(wildcards, input):
    return f"--nn {input.nn}" if "nn" in input.keys() else ""


def biased_per_size(template, **extra):
    """figure -> the per-model tables of ``template`` over the figure's sizes and models."""

    def paths(figure):
        return [
            path
            for n in BIASED_PLAN.figure_sizes(figure)
            for path in biased_model_paths(template, figure, n, **extra)
        ]

    return paths


def biased_sequential_paths(figure):
    """The files of the measurement the figure names: figures naming one share them."""
    measurement = BIASED_PLAN.sequential(figure)
    return biased_per_size(biased.SEQUENTIAL, measurement=measurement)(figure)


def biased_sample_split_paths(figure):
    measurement = BIASED_PLAN.sequential(figure)
    return [
        biased.SAMPLE_SPLIT.format(measurement=measurement, n=n)
        for n in BIASED_PLAN.figure_sizes(figure)
    ]


def biased_uturn_paths(figure):
    """U-turns at each reference checkpoint the figure lists (its ``checkpoints``)."""
    refs = biased.config["figures"][figure]["checkpoints"]
    return [p for r in refs for p in biased_per_size(biased.UTURN, reference=r)(figure)]


# The kinds of measurement tables the figures of the registry read, and their columns.
for biased_kind, biased_paths_of in {
    "nn": biased_per_size(biased.NN),
    "loss": biased_per_size(biased.LOSS),
    "sequential": biased_sequential_paths,
    "sample_split": biased_sample_split_paths,
    "score": lambda figure: [
        biased.SCORE.format(n=n) for n in BIASED_PLAN.figure_sizes(figure)
    ],
    "bp_gap": lambda figure: [biased.BP_GAP],
    "decomposition": biased_per_size(biased.DECOMPOSITION),
    "uturn": biased_uturn_paths,
    "uturn_random": biased_per_size(biased.UTURN_RANDOM),
}.items():
    biased.add_inputs(biased_kind, biased_paths_of, BIASED_COLUMNS.get(biased_kind))
biased.add_data(lambda: [biased.DATA])
biased.add_models(
    lambda: [
        path
        for model in BIASED_PLAN.all_models()
        for path in biased_checkpoints_of(model)
    ]
)


# Resources of the training rules (one rule per size).
def biased_train_runtime(n):
    """Minutes for one attempt: estimated from epochs * n, grows with the attempt."""
    per_minute = biased.config["cluster"]["train_sequences_per_minute"]
    return capped_runtime(BIASED_PLAN.epochs_of[n] * n / per_minute)
