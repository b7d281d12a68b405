# Fix-noise sample banks per sampled checkpoint, and each run's measurement
# table (validity per level, copies, new valid strings, windowed losses).


rule rhm_sample_bank:
    input:
        checkpoint=rhm.CHECKPOINT,
    output:
        rhm.SAMPLES,
    log:
        f"{rhm.logs}/samples/{rhm.RUN}/step{{step}}.log",
    wildcard_constraints:
        **RHM_WILDCARDS,
    cache: CACHE
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(20, mem_mb=8000),
    params:
        spec=rhm_sample_spec,
        code=job_code("rhm", "sample"),
    shell:
        "python -m diffgen.cli rhm sample --checkpoint {input.checkpoint} --spec {params.spec:q}"
        " --out {output} --threads {threads} > {log} 2>&1"


rule rhm_measure:
    input:
        data=rhm.DATA,
        checkpoints=rhm_checkpoints,
        samples=rhm_banks,
    output:
        rhm.MEASURE,
    log:
        f"{rhm.logs}/measure/{rhm.RUN}_{{which}}.log",
    wildcard_constraints:
        **RHM_WILDCARDS,
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(30, mem_mb=8000),
    params:
        spec=rhm_measure_spec,
        code=job_code("rhm", "measure"),
    shell:
        "python -m diffgen.cli rhm measure --data {input.data} --checkpoints {input.checkpoints}"
        " --samples {input.samples} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"
