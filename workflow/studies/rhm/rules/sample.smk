# Fix-noise sample banks per sampled checkpoint, and each run's measurement
# table (validity per level, copies, new valid strings, windowed losses).


rule rhm_sample_bank:
    input:
        unpack(rhm.checked(checkpoint=rhm.CHECKPOINT)),
    output:
        rhm.SAMPLES,
    log:
        rhm.job("sample").log(f"samples/{RHM_RUN}/step{{step}}.log"),
    wildcard_constraints:
        **RHM_WILDCARDS,
    cache: "omit-software"
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(20, mem_mb=8000),
    params:
        spec=rhm_sample_spec,
        code=rhm.job("sample").code,
    shell:
        rhm.job("sample").shell(
            "--checkpoint {input.checkpoint} --spec {params.spec:q} --out {output}"
            " --threads {threads}"
        )


rule rhm_measure:
    input:
        unpack(
            rhm.checked(data=rhm.DATA, checkpoints=rhm_checkpoints, samples=rhm_banks)
        ),
    output:
        rhm.MEASURE,
    log:
        rhm.job("measure").log(f"measure/{RHM_RUN}_{{which}}.log"),
    wildcard_constraints:
        **RHM_WILDCARDS,
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(30, mem_mb=8000),
    params:
        spec=rhm_measure_spec,
        code=rhm.job("measure").code,
    shell:
        rhm.job("measure").shell(
            "--data {input.data} --checkpoints {input.checkpoints}"
            " --samples {input.samples} --spec {params.spec:q} --out {output}"
            " --threads {threads}"
        )
