# Training: one job per net (dataset, N, width, preconditioning, seed); its
# EMA checkpoint at the last step. Runtime requests follow cluster.train_steps_per_minute.


rule repro_train:
    input:
        unpack(repro.checked(data=repro.DATA)),
    output:
        checkpoint=repro.CHECKPOINT,
        log=f"{repro.RUN_DIR}/train_log.csv",
    log:
        f"{repro.logs}/train/{repro.SET}/{{model}}.log",
    wildcard_constraints:
        **REPRO_TRAIN_WILDCARDS,
    cache: CACHE
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(REPRO_PLAN.train_minutes(), mem_mb=16000),
    params:
        spec=repro_train_spec,
        code=job_code("repro", "train"),
    shell:
        "python -m diffgen.cli repro train --data {input.data} --spec {params.spec:q}"
        " --run-dir $(dirname {output.checkpoint}) --threads {threads} > {log} 2>&1"
