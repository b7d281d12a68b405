# Training: one bias-free denoiser per run (dataset, N, split), on the GPU.


rule harmonic_train:
    input:
        unpack(harmonic.checked(data=harmonic.SPLIT)),
    output:
        model=harmonic.MODEL,
        log=f"{harmonic.RUN_DIR}/train_log.csv",
    log:
        f"{harmonic.logs}/train/{harmonic.RUN}.log",
    wildcard_constraints:
        **HARMONIC_WILDCARDS,
    cache: CACHE
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(HARMONIC_TRAIN_MINUTES, mem_mb=32000),
    params:
        spec=harmonic_train_spec,
        code=job_code("harmonic", "train"),
    shell:
        "python -m diffgen.cli harmonic train --data {input.data} --spec {params.spec:q}"
        " --run-dir $(dirname {output.model}) --threads {threads} > {log} 2>&1"
