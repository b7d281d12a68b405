# Sample banks from the shared latents, the scores of each training set, and
# the Jacobian ranks.


rule repro_sample:
    input:
        unpack(repro.checked(latents=repro.LATENTS, source=repro_source)),
    output:
        repro.SAMPLES,
    log:
        f"{repro.logs}/samples/{repro.SET}/{{model}}.log",
    wildcard_constraints:
        **REPRO_WILDCARDS,
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60, mem_mb=16000),
    params:
        spec=repro_sample_spec,
        code=job_code("repro", "sample"),
    shell:
        "python -m diffgen.cli repro sample --latents {input.latents} --source {input.source}"
        " --spec {params.spec:q} --out {output} --threads {threads} > {log} 2>&1"


rule repro_score:
    input:
        unpack(
            repro.checked(
                columns={"threshold": {"tau": "number"}},
                data=repro.DATA,
                threshold=repro.THRESHOLD,
                samples=repro_banks,
            )
        ),
    output:
        repro.SCORE,
    log:
        f"{repro.logs}/score/{repro.SET}_{{group}}.log",
    wildcard_constraints:
        **REPRO_WILDCARDS,
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(30, mem_mb=16000),
    params:
        spec=repro_score_spec,
        code=job_code("repro", "score"),
    shell:
        "python -m diffgen.cli repro score --data {input.data} --threshold {input.threshold}"
        " --samples {input.samples} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"


rule repro_jacobian:
    input:
        unpack(repro.checked(data=repro.DATA, source=repro_source)),
    output:
        repro.JACOBIAN,
    log:
        f"{repro.logs}/jacobian/{repro.SET}/{{model}}.log",
    wildcard_constraints:
        **REPRO_WILDCARDS,
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(30, mem_mb=16000),
    params:
        spec=repro_jacobian_spec,
        code=job_code("repro", "jacobian"),
    shell:
        "python -m diffgen.cli repro jacobian --data {input.data} --source {input.source}"
        " --spec {params.spec:q} --out {output} --threads {threads} > {log} 2>&1"
