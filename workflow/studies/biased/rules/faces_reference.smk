# τ_cos and τ_loss chosen from the measurements: a checkpoint rule, so a later
# rule's input function can read the chosen epochs (checkpoints.biased_faces_reference).


checkpoint biased_faces_reference:
    input:
        unpack(
            biased.checked(
                similarity=biased.FACES_SIMILARITY,
                loss=biased_faces_per_model(biased.FACES_LOSS),
            )
        ),
    output:
        biased.FACES_REFERENCE,
    log:
        f"{biased.FACES_LOGS}/reference.log",
    localrule: True
    conda:
        ENV
    resources:
        runtime=10,
    params:
        code=job_code("biased", "faces-reference"),
    shell:
        "python -m diffgen.cli biased faces-reference --similarity {input.similarity}"
        " --loss {input.loss} --out {output} > {log} 2>&1"
