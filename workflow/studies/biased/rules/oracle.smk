# Divergences of the model's posterior from BP_k and between models trained on
# different splits (Fig 1b, Fig 6), and along diffusion time (Fig 3b).


rule biased_sequential:
    input:
        unpack(biased.checked(data=biased.DATA, checkpoints=biased_run_checkpoints)),
    output:
        biased.SEQUENTIAL,
    log:
        f"{biased.logs}/sequential/{{measurement}}/{biased.MODEL}.log",
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


# One job per size: every model's posterior once per checkpoint, every pair.
rule biased_sample_split:
    input:
        unpack(biased.checked(data=biased.DATA, checkpoints=biased_pair_checkpoints)),
    output:
        biased.SAMPLE_SPLIT,
    log:
        f"{biased.logs}/sample_split/{{measurement}}/n{{n}}.log",
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60),
    params:
        spec=biased_pair_spec,
        code=job_code("biased", "sample-split"),
    shell:
        "python -m diffgen.cli biased sample-split --data {input.data}"
        " --checkpoints {input.checkpoints} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"


# One job per size: its models at the size's test-loss minimum.
rule biased_score_divergence:
    input:
        unpack(biased.checked(data=biased.DATA, noise=biased_score_noise)),
        checkpoints=biased_checked_one(biased_score_checkpoints),
    output:
        biased.SCORE,
    log:
        f"{biased.logs}/score_divergence/n{{n}}.log",
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60),
    params:
        spec=biased_score_spec,
        noise=biased_noise_argument,
        code=job_code("biased", "score-divergence"),
    shell:
        "python -m diffgen.cli biased score-divergence --data {input.data}"
        " --checkpoints {input.checkpoints} {params.noise}"
        " --spec {params.spec:q} --out {output} --threads {threads} > {log} 2>&1"


rule biased_bp_gap:
    input:
        unpack(biased.checked(data=biased.DATA)),
    output:
        biased.BP_GAP,
    log:
        f"{biased.logs}/score_divergence/bp_gap.log",
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(30),
    params:
        spec=biased_bp_gap_spec(),
        code=job_code("biased", "bp-gap"),
    shell:
        "python -m diffgen.cli biased bp-gap --data {input.data} --spec {params.spec:q}"
        " --out {output} --threads {threads} > {log} 2>&1"
