# Sampling: the shared initial noise and one sample bank per checkpoint.


rule initial_noise:
    output:
        INITIAL_NOISE,
    log:
        f"{LOGS}/initial_noise_{{rows}}.log",
    resources:
        runtime=10,
    params:
        spec=lambda w: as_json(
            {
                "rows": int(w.rows),
                "length": 2 ** config["grammar"]["l"],
                "q": config["grammar"]["q"],
                "seed": config["sampling"]["seed"],
            }
        ),
        code=code("diffgen.cli.sample"),
    shell:
        "diffgen initial-noise --spec {params.spec:q} --out {output} > {log} 2>&1"


rule sample_bank:
    input:
        checkpoint=CHECKPOINT,
        noise=initial_noise_path(config["figures"]["fig4a"]["n_samples"]),
    output:
        SAMPLES,
    log:
        f"{LOGS}/samples/{MODEL}/epoch{{epoch}}.log",
    cache: "omit-software"
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=as_json(
            {
                **diffusion_spec(),
                "n_samples": config["figures"]["fig4a"]["n_samples"],
                "mode": "fix-noise",
                "seed": config["sampling"]["seed"],
                "batch_size": config["sampling"]["batch_size"],
            }
        ),
        code=code("diffgen.cli.sample"),
    shell:
        "diffgen sample --checkpoint {input.checkpoint} --initial-noise {input.noise}"
        " --spec {params.spec:q} --out {output} --device {config[device]}"
        " --threads {threads} > {log} 2>&1"
