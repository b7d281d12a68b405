# Divergences of the model's posterior from BP_k and from a sample-split twin
# (Fig 1b, Fig 6, Fig 3b).


rule sequential:
    input:
        data=DATA,
        checkpoints=run_checkpoints,
    output:
        SEQUENTIAL,
    log:
        f"{LOGS}/sequential/{MODEL}.log",
    conda:
        "../../envs/diffgen.yaml"
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=sequential_spec,
        code=code("diffgen.cli.oracle"),
    shell:
        "python -m diffgen.cli sequential --data {input.data}"
        " --checkpoints {input.checkpoints} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"


rule sample_split:
    input:
        data=DATA,
        first=pair_checkpoints(1),
        second=pair_checkpoints(2),
    output:
        SAMPLE_SPLIT,
    log:
        f"{LOGS}/sample_split/{PAIR}.log",
    conda:
        "../../envs/diffgen.yaml"
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=pair_spec,
        code=code("diffgen.cli.oracle"),
    shell:
        "python -m diffgen.cli sample-split --data {input.data} --first {input.first}"
        " --second {input.second} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"


rule score_divergence:
    input:
        data=DATA,
        checkpoint=reference_checkpoint("fig3b", "test_loss_min"),
        noise=initial_noise_path(config["figures"]["fig3b"]["n_sequences"]),
    output:
        SCORE,
    log:
        f"{LOGS}/score_divergence/{MODEL}.log",
    conda:
        "../../envs/diffgen.yaml"
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=score_spec,
        code=code("diffgen.cli.oracle"),
    shell:
        "python -m diffgen.cli score-divergence --data {input.data}"
        " --checkpoint {input.checkpoint} --initial-noise {input.noise}"
        " --spec {params.spec:q} --out {output} --threads {threads} > {log} 2>&1"
