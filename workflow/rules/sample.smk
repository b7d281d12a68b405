# Sampling: the shared initial noise and one sample bank per checkpoint.


rule initial_noise:
    output:
        INITIAL_NOISE,
    log:
        f"{LOGS}/initial_noise_{{rows}}.log",
    conda:
        "../../envs/diffgen.yaml"
    resources:
        runtime=10,
    params:
        spec=initial_noise_spec,
        code=code("diffgen.cli.noise"),
    shell:
        "python -m diffgen.cli initial-noise --spec {params.spec:q} --out {output}"
        " > {log} 2>&1"


rule sample_bank:
    input:
        checkpoint=CHECKPOINT,
        noise=initial_noise_path(config["figures"]["fig4a"]["n_samples"]),
    output:
        SAMPLES,
    log:
        f"{LOGS}/samples/{MODEL}/epoch{{epoch}}.log",
    cache: "omit-software"
    conda:
        "../../envs/diffgen.yaml"
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=sample_spec,
        code=code("diffgen.cli.sample"),
    shell:
        "python -m diffgen.cli sample --checkpoint {input.checkpoint}"
        " --initial-noise {input.noise} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"
