# Divergences of the model's posterior from BP_k and from a sample-split twin
# (Fig 1b, Fig 6, Fig 3b).


def sequential_spec(w):
    fig = config["figures"]["fig1b"]
    return as_json(
        {
            **model_spec(wildcard_model(w)),
            **diffusion_spec(),
            "t_fraction": fig["t_fraction"],
            "n_sequences": fig["n_sequences"],
            "ks": fig["ks"],
            "eval_seed": config["evaluation"]["seed"],
            "batch_size": config["sampling"]["batch_size"],
        }
    )


rule sequential:
    input:
        data=DATA,
        checkpoints=run_checkpoints,
    output:
        SEQUENTIAL,
    log:
        f"{LOGS}/sequential/{MODEL}.log",
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=sequential_spec,
        code=code("diffgen.cli.oracle"),
    shell:
        "diffgen sequential --data {input.data} --checkpoints {input.checkpoints}"
        " --spec {params.spec:q} --out {output} --device {config[device]}"
        " --threads {threads} > {log} 2>&1"


def pair_spec(w):
    fig = config["figures"]["fig1b"]
    name = f"{w.kind}_split{w.split1}_seed{w.seed1}_vs_split{w.split2}_seed{w.seed2}"
    return as_json(
        {
            "n": int(w.n),
            "pair": name,
            "same_split": w.kind == "same",
            **diffusion_spec(),
            "t_fraction": fig["t_fraction"],
            "n_sequences": fig["n_sequences"],
            "eval_seed": config["evaluation"]["seed"],
            "batch_size": config["sampling"]["batch_size"],
        }
    )


rule sample_split:
    input:
        data=DATA,
        first=lambda w: checkpoints_of(ModelId(int(w.n), int(w.split1), int(w.seed1))),
        second=lambda w: checkpoints_of(ModelId(int(w.n), int(w.split2), int(w.seed2))),
    output:
        SAMPLE_SPLIT,
    log:
        f"{LOGS}/sample_split/{PAIR}.log",
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=pair_spec,
        code=code("diffgen.cli.oracle"),
    shell:
        "diffgen sample-split --data {input.data} --first {input.first}"
        " --second {input.second} --spec {params.spec:q} --out {output}"
        " --device {config[device]} --threads {threads} > {log} 2>&1"


def score_spec(w):
    fig = config["figures"]["fig3b"]
    keys = ("t_fractions", "n_sequences", "ks", "trajectory")
    return as_json(
        {
            **model_spec(wildcard_model(w)),
            **diffusion_spec(),
            **{k: fig[k] for k in keys},
            "sampling_seed": config["sampling"]["seed"],
            "eval_seed": config["evaluation"]["seed"],
            "batch_size": config["sampling"]["batch_size"],
        }
    )


rule score_divergence:
    input:
        data=DATA,
        checkpoint=reference_checkpoint("fig3b", "test_loss_min"),
        noise=initial_noise_path(config["figures"]["fig3b"]["n_sequences"]),
    output:
        SCORE,
    log:
        f"{LOGS}/score_divergence/{MODEL}.log",
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=score_spec,
        code=code("diffgen.cli.oracle"),
    shell:
        "diffgen score-divergence --data {input.data} --checkpoint {input.checkpoint}"
        " --initial-noise {input.noise} --spec {params.spec:q} --out {output}"
        " --device {config[device]} --threads {threads} > {log} 2>&1"
