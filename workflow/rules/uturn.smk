# U-turn experiments at reference checkpoints (Fig 5, App. Fig 11).


rule uturn:
    input:
        data=DATA,
        checkpoint=reference_checkpoint("fig5"),
    output:
        UTURN,
    log:
        f"{LOGS}/uturn/{MODEL}_{{reference}}.log",
    conda:
        "../../envs/diffgen.yaml"
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=uturn_spec("fig5"),
        code=code("diffgen.cli.uturn"),
    shell:
        "python -m diffgen.cli uturn --data {input.data} --checkpoint {input.checkpoint}"
        " --spec {params.spec:q} --out {output} --threads {threads} > {log} 2>&1"


rule uturn_random:
    input:
        data=DATA,
        checkpoint=reference_checkpoint("figA11", "test_loss_min"),
    output:
        UTURN_RANDOM,
    log:
        f"{LOGS}/uturn_random/{MODEL}.log",
    conda:
        "../../envs/diffgen.yaml"
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=uturn_spec("figA11", ("ks", "empirical_size")),
        code=code("diffgen.cli.uturn"),
    shell:
        "python -m diffgen.cli uturn-random --data {input.data}"
        " --checkpoint {input.checkpoint} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"
