# Training: one EDM job per run (network variant, data set) and one ε-UNet job
# per T of fig 5, each writing its last (EMA) checkpoint. Sampler settings never
# train. Runtime requests follow cluster.*_steps_per_minute.


rule amplify_train_edm:
    input:
        unpack(amplify.checked(data=amplify_run_data)),
    output:
        checkpoint=amplify.EDM_CHECKPOINT.replace("{step}", str(AMPLIFY_EDM_STEPS)),
        log=f"{amplify.EDM_RUN_DIR}/train_log.csv",
    log:
        amplify.job("train-edm").log("train/edm/{run}.log"),
    wildcard_constraints:
        **AMPLIFY_WILDCARDS,
    cache: CACHE
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(AMPLIFY_EDM_MINUTES, mem_mb=16000),
    params:
        spec=amplify_train_edm_spec,
        code=amplify.job("train-edm").code,
    shell:
        amplify.job("train-edm").shell(
            "--data {input.data} --spec {params.spec:q}"
            " --run-dir $(dirname {output.log}) --threads {threads}"
        )


rule amplify_train_ddpm:
    input:
        unpack(amplify.checked(data=amplify_ddpm_data)),
    output:
        checkpoint=amplify.DDPM_CHECKPOINT.replace("{step}", str(AMPLIFY_DDPM_STEPS)),
        log=f"{amplify.DDPM_RUN_DIR}/train_log.csv",
    log:
        amplify.job("train-ddpm").log("train/ddpm/T{T}.log"),
    wildcard_constraints:
        **AMPLIFY_WILDCARDS,
    cache: CACHE
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(AMPLIFY_DDPM_MINUTES, mem_mb=16000),
    params:
        spec=amplify_train_ddpm_spec,
        code=amplify.job("train-ddpm").code,
    shell:
        amplify.job("train-ddpm").shell(
            "--data {input.data} --spec {params.spec:q}"
            " --run-dir $(dirname {output.log}) --threads {threads}"
        )
