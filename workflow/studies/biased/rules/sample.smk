# Sampling: the shared initial noise and one sample bank per checkpoint.


rule biased_initial_noise:
    output:
        biased.INITIAL_NOISE,
    log:
        f"{biased.logs}/initial_noise_{{rows}}.log",
    localrule: True
    conda:
        ENV
    resources:
        runtime=10,
    params:
        spec=biased_initial_noise_spec,
        code=job_code("biased", "initial-noise"),
    shell:
        "python -m diffgen.cli biased initial-noise --spec {params.spec:q} --out {output} > {log} 2>&1"


rule biased_sample_bank:
    input:
        unpack(
            biased.checked(
                checkpoint=biased.CHECKPOINT,
                noise=biased_initial_noise(
                    biased.config["figures"]["fig4a"]["n_samples"]
                ),
            )
        ),
    output:
        biased.SAMPLES,
    log:
        f"{biased.logs}/samples/{biased.MODEL}/epoch{{epoch}}.log",
    cache: CACHE
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60),
    params:
        spec=biased_sample_spec,
        code=job_code("biased", "sample"),
    shell:
        "python -m diffgen.cli biased sample --checkpoint {input.checkpoint}"
        " --initial-noise {input.noise} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"
