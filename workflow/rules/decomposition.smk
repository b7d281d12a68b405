# Loss decomposition l* + l~ over checkpoints (Fig 4b).


rule loss_decomposition:
    input:
        data=DATA,
        checkpoints=run_checkpoints,
    output:
        DECOMPOSITION,
    log:
        f"{LOGS}/loss_decomposition/{MODEL}.log",
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=lambda w: as_json(
            {
                **model_spec(wildcard_model(w)),
                **diffusion_spec(),
                "t_fraction": config["figures"]["fig4b"]["t_fraction"],
                "n_sequences": config["figures"]["fig4b"]["n_sequences"],
                "eval_seed": config["evaluation"]["seed"],
                "batch_size": config["sampling"]["batch_size"],
            }
        ),
        code=code("diffgen.cli.decomposition"),
    shell:
        "diffgen loss-decomposition --data {input.data} --checkpoints {input.checkpoints}"
        " --spec {params.spec:q} --out {output} --device {config[device]}"
        " --threads {threads} > {log} 2>&1"
