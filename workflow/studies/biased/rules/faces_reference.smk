# τ_cos and τ_loss chosen from the measurements (a checkpoint rule: jobs that
# read the chosen epochs are planned after it), and what the figures read.


checkpoint biased_faces_reference:
    input:
        similarity=biased.FACES_SIMILARITY,
        loss=biased_faces_per_model(biased.FACES_LOSS),
    output:
        biased.FACES_REFERENCE,
    log:
        f"{biased.FACES_LOGS}/reference.log",
    localrule: True
    resources:
        runtime=10,
    params:
        code=job_code("biased", "faces-reference"),
    shell:
        "{DIFFGEN} biased faces-reference --similarity {input.similarity}"
        " --loss {input.loss} --out {output} > {log} 2>&1"


def biased_faces_reference_epochs():
    """τ_cos and τ_loss, for input functions of later rules (waits for the checkpoint)."""
    with open(checkpoints.biased_faces_reference.get().output[0]) as handle:
        return json.load(handle)


# The kinds of measurement files the face figures of the registry read.
biased.inputs.update(
    {
        "faces_similarity": lambda figure: [biased.FACES_SIMILARITY],
        "faces_loss": lambda figure: biased_faces_per_model(biased.FACES_LOSS),
        "faces_reference": lambda figure: [biased.FACES_REFERENCE],
        "faces_representatives": lambda figure: [biased.FACES_REPRESENTATIVES],
        "faces_noise_prediction": lambda figure: [
            biased.FACES_NOISE.format(epoch=e)
            for e in BIASED_FACES_PLAN.noise_prediction_epochs
        ],
    }
)
biased_grammar_data, biased_grammar_models = biased.data, biased.models
biased.data = lambda: [*biased_grammar_data(), biased.FACES_DATA]
biased.models = lambda: [
    *biased_grammar_models(),
    *(
        path
        for split in BIASED_FACES_PLAN.splits
        for path in biased_faces_checkpoints(split, BIASED_FACES_PLAN.grid)
    ),
]
