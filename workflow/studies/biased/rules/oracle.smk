# Divergences of the model's posterior from BP_k and from a sample-split twin
# (Fig 1b, Fig 6, Fig 3b).


rule biased_sequential:
    input:
        data=intact(biased.DATA),
        checkpoints=intact(biased_run_checkpoints),
    output:
        biased.SEQUENTIAL,
    log:
        f"{biased.logs}/sequential/{biased.MODEL}.log",
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60),
    params:
        spec=biased_sequential_spec,
        code=job_code("biased", "sequential"),
    shell:
        "python -m diffgen.cli biased sequential --data {input.data}"
        " --checkpoints {input.checkpoints} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"


rule biased_sample_split:
    input:
        data=intact(biased.DATA),
        first=intact(biased_pair_checkpoints(1)),
        second=intact(biased_pair_checkpoints(2)),
    output:
        biased.SAMPLE_SPLIT,
    log:
        f"{biased.logs}/sample_split/{biased.PAIR}.log",
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60),
    params:
        spec=biased_pair_spec,
        code=job_code("biased", "sample-split"),
    shell:
        "python -m diffgen.cli biased sample-split --data {input.data} --first {input.first}"
        " --second {input.second} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"


rule biased_score_divergence:
    input:
        data=intact(biased.DATA),
        checkpoint=intact(biased_reference_checkpoint("fig3b", "test_loss_min")),
        noise=intact(
            biased_initial_noise(biased.config["figures"]["fig3b"]["n_sequences"])
        ),
    output:
        biased.SCORE,
    log:
        f"{biased.logs}/score_divergence/{biased.MODEL}.log",
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60),
    params:
        spec=biased_score_spec,
        code=job_code("biased", "score-divergence"),
    shell:
        "python -m diffgen.cli biased score-divergence --data {input.data}"
        " --checkpoint {input.checkpoint} --initial-noise {input.noise}"
        " --spec {params.spec:q} --out {output} --threads {threads} > {log} 2>&1"
