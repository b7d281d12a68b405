# ρ_model of one trained model under one sampler setting (EDM: solver, N, S_churn;
# fig 5: CFG strength w with DPM-Solver++), a one-row table each. Every setting of
# a model reads the same checkpoint and the same x_T.


rule amplify_sample_edm:
    input:
        unpack(
            amplify.checked(data=amplify_run_data, checkpoint=amplify_run_checkpoint)
        ),
    output:
        amplify.EDM_MEASURE,
    log:
        amplify.job("sample-edm").log("measure/edm/{run}/{setting}.log"),
    wildcard_constraints:
        **AMPLIFY_WILDCARDS,
    cache: CACHE
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(30, mem_mb=16000),
    params:
        spec=amplify_sample_edm_spec,
        code=amplify.job("sample-edm").code,
    shell:
        amplify.job("sample-edm").shell(
            "--data {input.data} --checkpoint {input.checkpoint}"
            " --spec {params.spec:q} --out {output} --threads {threads}"
        )


rule amplify_sample_ddpm:
    input:
        unpack(
            amplify.checked(
                data=amplify_ddpm_data, checkpoint=amplify_ddpm_input_checkpoint
            )
        ),
    output:
        amplify.DDPM_MEASURE,
    log:
        amplify.job("sample-ddpm").log("measure/ddpm/T{T}/w{w}.log"),
    wildcard_constraints:
        **AMPLIFY_WILDCARDS,
    cache: CACHE
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(15, mem_mb=16000),
    params:
        spec=amplify_sample_ddpm_spec,
        code=amplify.job("sample-ddpm").code,
    shell:
        amplify.job("sample-ddpm").shell(
            "--data {input.data} --checkpoint {input.checkpoint}"
            " --spec {params.spec:q} --out {output} --threads {threads}"
        )
