# Training: one job per run (grammar, P, seed), a checkpoint at every power of
# two and at the last step. Runtime requests follow cluster.train_steps_per_minute.


rule rhm_train:
    input:
        unpack(rhm.checked(data=rhm.DATA)),
    # One named output per checkpoint: the between-workflow cache needs every
    # output of a multi-output rule named on its own (no list-valued names).
    output:
        **{
            f"step{step}": f"{rhm.RUN_DIR}/step{step}.pt"
            for step in RHM_PLAN.checkpoints()
        },
        log=f"{rhm.RUN_DIR}/train_log.csv",
    log:
        rhm.job("train").log(f"train/{RHM_RUN}.log"),
    wildcard_constraints:
        **RHM_WILDCARDS,
    cache: "omit-software"
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(RHM_TRAIN_MINUTES, mem_mb=16000),
    params:
        spec=rhm_train_spec,
        code=rhm.job("train").code,
    shell:
        rhm.job("train").shell(
            "--data {input.data} --spec {params.spec:q}"
            " --run-dir $(dirname {output.log}) --threads {threads}"
        )
