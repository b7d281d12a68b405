# Training: one job per (size n, split, seed), and the DSM losses of its
# checkpoints. Each size has its own checkpoint epochs, so one training rule per
# size declares exactly its checkpoints as outputs.


for biased_run in biased.config["training"]["runs"]:
    biased_size = biased_run["n"]
    biased_run_dir = (
        f"{biased.results}/train/n{biased_size}/split{{split}}_seed{{seed}}"
    )

    rule:
        name:
            f"biased_train_n{biased_size}"
        input:
            unpack(biased.checked(data=biased.DATA)),
        # One named output per checkpoint: the between-workflow cache needs every
        # output of a multi-output rule named on its own (no list-valued names).
        output:
            **{
                f"epoch{e}": f"{biased_run_dir}/epoch{e}.pt"
                for e in BIASED_PLAN.checkpoints(biased_size)
            },
            log=f"{biased_run_dir}/train_log.csv",
        log:
            f"{biased.logs}/train/n{biased_size}/split{{split}}_seed{{seed}}.log",
        cache: CACHE
        conda:
            ENV
        threads: GPU_THREADS
        resources:
            gpu=1,
            mem_mb=16000,
            runtime=biased_train_runtime(biased_size),
        params:
            spec=biased_train_spec(biased_size),
            code=job_code("biased", "train"),
        # No loop variable in the command: Snakemake evaluates it when the job
        # runs, after the loop has moved on. The CLI names the outputs itself.
        shell:
            "python -m diffgen.cli biased train --data {input.data} --spec {params.spec:q}"
            " --run-dir $(dirname {output.log}) --threads {threads} > {log} 2>&1"


rule biased_test_loss:
    input:
        unpack(biased.checked(data=biased.DATA, checkpoints=biased_run_checkpoints)),
    output:
        biased.LOSS,
    log:
        f"{biased.logs}/loss/{biased.MODEL}.log",
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(30, mem_mb=8000),
    params:
        spec=biased_loss_spec,
        code=job_code("biased", "loss"),
    shell:
        "python -m diffgen.cli biased loss --data {input.data} --checkpoints {input.checkpoints}"
        " --spec {params.spec:q} --out {output} --threads {threads} > {log} 2>&1"
