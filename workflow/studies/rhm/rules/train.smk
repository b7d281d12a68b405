# Training: one job per run (grammar, P, seed), a checkpoint at every power of
# two and at the last step. Runtime requests follow cluster.train_steps_per_minute.
# One rule per distinct step count (a rule's outputs are fixed): rhm_train for
# training.steps, the only one under the default budget; under
# a family's epochs_of (runs.<family>.epochs_of), rhm_train_<S> for the sizes P
# that train S steps.

for rhm_steps, rhm_sizes in RHM_PLAN.budgets().items():

    rule:
        name:
            (
                "rhm_train"
                if rhm_steps == rhm.config["training"]["steps"]
                else f"rhm_train_{rhm_steps}"
            )
        input:
            unpack(rhm.checked(data=rhm.DATA)),
        # One named output per checkpoint: the between-workflow cache needs every
        # output of a multi-output rule named on its own (no list-valued names).
        output:
            **{
                f"step{step}": f"{rhm.RUN_DIR}/step{step}.pt"
                for step in rhm_plan.checkpoint_steps(rhm_steps)
            },
            log=f"{rhm.RUN_DIR}/train_log.csv",
        log:
            rhm.job("train").log(f"train/{RHM_RUN}.log"),
        wildcard_constraints:
            **rhm_train_wildcards(rhm_sizes),
        cache: CACHE
        conda:
            ENV
        threads: GPU_THREADS
        resources:
            **gpu_job(rhm_train_minutes(rhm_steps), mem_mb=16000),
        params:
            spec=rhm_train_spec,
            code=rhm.job("train").code,
        shell:
            rhm.job("train").shell(
                "--data {input.data} --spec {params.spec:q}"
                " --run-dir $(dirname {output.log}) --threads {threads}"
            )
