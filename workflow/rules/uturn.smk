# U-turn experiments at reference checkpoints (Fig 5, App. Fig 11).


def uturn_spec(figure, extra_keys=()):
    def spec(w):
        fig = config["figures"][figure]
        keys = ("t_fractions", "n_sequences", "reps", *extra_keys)
        return as_json(
            {
                **model_spec(wildcard_model(w)),
                **diffusion_spec(),
                **{k: fig[k] for k in keys},
                "reference": getattr(w, "reference", "test_loss_min"),
                "uturn_seed": config["sampling"]["seed"],
                "batch_size": config["sampling"]["batch_size"],
            }
        )

    return spec


def uturn_checkpoint(w):
    return reference_checkpoint("fig5", w.reference)(w)


rule uturn:
    input:
        data=DATA,
        checkpoint=uturn_checkpoint,
    output:
        UTURN,
    log:
        f"{LOGS}/uturn/{MODEL}_{{reference}}.log",
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=uturn_spec("fig5"),
        code=code("diffgen.cli.uturn"),
    shell:
        "diffgen uturn --data {input.data} --checkpoint {input.checkpoint}"
        " --spec {params.spec:q} --out {output} --device {config[device]}"
        " --threads {threads} > {log} 2>&1"


rule uturn_random:
    input:
        data=DATA,
        checkpoint=reference_checkpoint("figA11", "test_loss_min"),
    output:
        UTURN_RANDOM,
    log:
        f"{LOGS}/uturn_random/{MODEL}.log",
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=uturn_spec("figA11", ("ks", "empirical_size")),
        code=code("diffgen.cli.uturn"),
    shell:
        "diffgen uturn-random --data {input.data} --checkpoint {input.checkpoint}"
        " --spec {params.spec:q} --out {output} --device {config[device]}"
        " --threads {threads} > {log} 2>&1"
