"""Input functions of study 1: which files a job or a figure reads."""

from diffgen.biased.reference import read_reference as biased_read_reference
from diffgen.biased.tables import COLUMNS as BIASED_COLUMNS


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


def biased_pair_checkpoints(which):
    def inputs(w):
        split, seed = (w.split1, w.seed1) if which == 1 else (w.split2, w.seed2)
        return biased_checkpoints_of(BiasedModel(int(w.n), int(split), int(seed)))

    return inputs


def biased_model_paths(template, figure, n, **extra):
    return [
        template.format(n=m.n, split=m.split, seed=m.seed, **extra)
        for m in BIASED_PLAN.figure_models(figure, n)
    ]


def biased_initial_noise(rows):
    return biased.INITIAL_NOISE.format(rows=rows)


def biased_reference_epoch(figure, n, which):
    """Read a reference epoch chosen by the biased_reference_epochs checkpoint rule."""
    path = checkpoints.biased_reference_epochs.get(figure=figure, n=n).output[0]
    try:
        return biased_read_reference(path, which, BIASED_PLAN.checkpoints(int(n)))
    except DiffgenError as err:
        fail(err)


def biased_reference_checkpoint(figure, which=None):
    """Checkpoint at a reference epoch (``which`` None: the ``reference`` wildcard)."""

    def inputs(w):
        epoch = biased_reference_epoch(figure, w.n, which or w.reference)
        return biased.CHECKPOINT.format(n=w.n, split=w.split, seed=w.seed, epoch=epoch)

    return inputs


#: figures that need the NN-divergence minimum besides the test-loss minimum
BIASED_NEEDS_NN_MINIMUM = ("fig5",)


def biased_reference_inputs(w):
    n = int(w.n)
    kinds = ("loss", "nn") if w.figure in BIASED_NEEDS_NN_MINIMUM else ("loss",)
    templates = {"loss": biased.LOSS, "nn": biased.NN}
    return {
        kind: intact(
            biased_model_paths(templates[kind], w.figure, n), BIASED_COLUMNS[kind]
        )(w)
        for kind in kinds
    }


def biased_reference_arguments(wildcards, input):
    return f"--nn {input.nn}" if "nn" in input.keys() else ""


def biased_pair_paths(n):
    return [
        biased.SAMPLE_SPLIT.format(
            n=n,
            kind="same" if pair.same_split else "disjoint",
            split1=pair.first.split,
            seed1=pair.first.seed,
            split2=pair.second.split,
            seed2=pair.second.seed,
        )
        for pair in BIASED_PLAN.pairs(n)
    ]


def biased_per_size(template, **extra):
    """figure -> the per-model tables of ``template`` over the figure's sizes and models."""

    def paths(figure):
        return [
            path
            for n in BIASED_PLAN.figure_sizes(figure)
            for path in biased_model_paths(template, figure, n, **extra)
        ]

    return paths


def biased_uturn_paths(figure):
    refs = ("nn_divergence_min", "test_loss_min")
    return [p for r in refs for p in biased_per_size(biased.UTURN, reference=r)(figure)]


# The kinds of measurement tables the figures of the registry read, and their columns.
biased.columns = BIASED_COLUMNS
biased.inputs = {
    "nn": biased_per_size(biased.NN),
    "loss": biased_per_size(biased.LOSS),
    "sequential": biased_per_size(biased.SEQUENTIAL),
    "sample_split": lambda figure: [
        p for n in BIASED_PLAN.figure_sizes(figure) for p in biased_pair_paths(n)
    ],
    "score": biased_per_size(biased.SCORE),
    "decomposition": biased_per_size(biased.DECOMPOSITION),
    "uturn": biased_uturn_paths,
    "uturn_random": biased_per_size(biased.UTURN_RANDOM),
}
biased.data = lambda: [biased.DATA]
biased.models = lambda: [
    path for model in BIASED_PLAN.all_models() for path in biased_checkpoints_of(model)
]


# Resources of the training rules (one rule per size).
def biased_train_runtime(n):
    """Minutes for one attempt: estimated from epochs * n, grows with the attempt."""
    per_minute = biased.config["cluster"]["train_sequences_per_minute"]
    return capped_runtime(BIASED_PLAN.epochs_of[n] * n / per_minute)
