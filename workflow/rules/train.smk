# Training: one job per (size n, split, seed), and the DSM losses of its
# checkpoints. Each size has its own checkpoint epochs, so one training rule per
# size declares exactly its checkpoints as outputs.

for training_run in config["training"]["runs"]:
    size = training_run["n"]
    run_dir = f"{R}/train/n{size}/split{{split}}_seed{{seed}}"
    # One named output per checkpoint: the between-workflow cache needs every
    # output of a multi-output rule named on its own (no list-valued names).
    checkpoint_outputs = {
        f"epoch{e}": f"{run_dir}/epoch{e}.pt" for e in PLAN.checkpoints(size)
    }

    rule:
        name:
            f"train_n{size}"
        input:
            data=DATA,
        output:
            **checkpoint_outputs,
            log=f"{run_dir}/train_log.csv",
        log:
            f"{LOGS}/train/n{size}/split{{split}}_seed{{seed}}.log",
        cache: "omit-software"
        conda:
            "../../envs/diffgen.yaml"
        threads: GPU_THREADS
        resources:
            gpu=1,
            mem_mb=16000,
            runtime=train_runtime(size),
        params:
            spec=train_spec(size),
            code=code("diffgen.cli.train"),
        # No loop variable in the command: Snakemake evaluates it when the job
        # runs, after the loop has moved on. The CLI names the outputs itself.
        shell:
            "python -m diffgen.cli train --data {input.data} --spec {params.spec:q}"
            " --run-dir $(dirname {output.log}) --threads {threads} > {log} 2>&1"


rule test_loss:
    input:
        data=DATA,
        checkpoints=run_checkpoints,
    output:
        LOSS,
    log:
        f"{LOGS}/loss/{MODEL}.log",
    conda:
        "../../envs/diffgen.yaml"
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=8000,
        runtime=gpu_runtime(30),
    params:
        spec=loss_spec,
        code=code("diffgen.cli.loss"),
    shell:
        "python -m diffgen.cli loss --data {input.data} --checkpoints {input.checkpoints}"
        " --spec {params.spec:q} --out {output} --threads {threads} > {log} 2>&1"
