# Training: one job per (size n, split, seed). Each size has its own checkpoint
# epochs, so one rule per size declares exactly its checkpoints as outputs.

for training_run in config["training"]["runs"]:
    size = training_run["n"]

    rule:
        name:
            f"train_n{size}"
        input:
            data=DATA,
        output:
            checkpoints=[
                CHECKPOINT.replace("{n}", str(size)).replace("{epoch}", str(e))
                for e in PLAN.checkpoints(size)
            ],
            log=TRAIN_LOG.replace("{n}", str(size)),
        log:
            f"{LOGS}/train/n{size}/split{{split}}_seed{{seed}}.log",
        cache: "omit-software"
        threads: GPU_THREADS
        resources:
            gpu=1,
            mem_mb=16000,
            runtime=train_runtime(size),
        params:
            spec=lambda w, size=size: train_spec(size, w),
            work_dir=lambda w, size=size: f"{R}/train/n{size}/split{w.split}_seed{w.seed}/.work",
            code=code("diffgen.cli.train"),
        shell:
            "diffgen train --data {input.data} --spec {params.spec:q}"
            " --checkpoints {output.checkpoints} --log {output.log}"
            " --work-dir {params.work_dir} --compile {config[compile]}"
            " --resume-every-seconds {config[training][resume_every_seconds]}"
            " --device {config[device]} --threads {threads} >> {log} 2>&1"


rule test_loss:
    input:
        data=DATA,
        checkpoints=run_checkpoints,
    output:
        LOSS,
    log:
        f"{LOGS}/loss/{MODEL}.log",
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=8000,
        runtime=gpu_runtime(30),
    params:
        spec=lambda w: as_json(
            {
                **model_spec(wildcard_model(w)),
                **diffusion_spec(),
                "loss_sequences": config["evaluation"]["loss_sequences"],
                "eval_seed": config["evaluation"]["seed"],
            }
        ),
        code=code("diffgen.cli.loss"),
    shell:
        "diffgen loss --data {input.data} --checkpoints {input.checkpoints}"
        " --spec {params.spec:q} --out {output} --device {config[device]} --threads {threads}"
        " > {log} 2>&1"
