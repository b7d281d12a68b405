# Datasets (training rows + held-out rows), shared latents and the offline tau.


rule repro_dataset:
    output:
        repro.DATA,
    log:
        f"{repro.logs}/data/{repro.SET}.log",
    wildcard_constraints:
        **REPRO_WILDCARDS,
    cache: CACHE
    conda:
        ENV
    threads: CPU_THREADS
    resources:
        **cpu_job(30),
    params:
        spec=repro_data_spec,
        code=job_code("repro", "data"),
    shell:
        "python -m diffgen.cli repro data --spec {params.spec:q} --out {output} > {log} 2>&1"


rule repro_latents:
    output:
        repro.LATENTS,
    log:
        f"{repro.logs}/latents/{{dataset}}.log",
    wildcard_constraints:
        **REPRO_WILDCARDS,
    conda:
        ENV
    threads: CPU_THREADS
    resources:
        **cpu_job(30),
    params:
        spec=repro_latents_spec,
        code=job_code("repro", "latents"),
    shell:
        "python -m diffgen.cli repro latents --spec {params.spec:q} --out {output} > {log} 2>&1"


rule repro_threshold:
    input:
        unpack(repro.checked(data=repro_threshold_data)),
    output:
        repro.THRESHOLD,
    log:
        f"{repro.logs}/threshold/{{dataset}}.log",
    wildcard_constraints:
        **REPRO_WILDCARDS,
    conda:
        ENV
    threads: CPU_THREADS
    resources:
        **cpu_job(30),
    params:
        spec=repro_threshold_spec,
        code=job_code("repro", "threshold"),
    shell:
        "python -m diffgen.cli repro threshold --data {input.data} --spec {params.spec:q}"
        " --out {output} > {log} 2>&1"
