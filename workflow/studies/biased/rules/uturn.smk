# U-turn experiments at reference checkpoints (Fig 5, App. Fig 11).


rule biased_uturn:
    input:
        unpack(biased.checked(data=biased.DATA)),
        checkpoint=biased_checked_one(biased_reference_checkpoint("fig5")),
    output:
        biased.UTURN,
    log:
        f"{biased.logs}/uturn/{biased.MODEL}_{{reference}}.log",
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60),
    params:
        spec=biased_uturn_spec,
        code=job_code("biased", "uturn"),
    shell:
        "python -m diffgen.cli biased uturn --data {input.data} --checkpoint {input.checkpoint}"
        " --spec {params.spec:q} --out {output} --threads {threads} > {log} 2>&1"


# Several checkpoints of one model (figures.figA11.checkpoints), one job.
rule biased_uturn_random:
    input:
        unpack(biased.checked(data=biased.DATA)),
        checkpoints=biased_checked_one(biased_named_checkpoints("figA11")),
    output:
        biased.UTURN_RANDOM,
    log:
        f"{biased.logs}/uturn_random/{biased.MODEL}.log",
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60),
    params:
        spec=biased_uturn_random_spec,
        labels=biased_named_labels("figA11"),
        code=job_code("biased", "uturn-random"),
    shell:
        "python -m diffgen.cli biased uturn-random --data {input.data}"
        " --checkpoints {input.checkpoints} --labels {params.labels}"
        " --spec {params.spec:q} --out {output} --threads {threads} > {log} 2>&1"
