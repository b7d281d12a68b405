# Datasets: a finite set's pool (digits, CelebA), the test set, the splits.


rule harmonic_pool:
    output:
        harmonic.POOL,
    log:
        f"{harmonic.logs}/data/{{dataset}}_pool.log",
    wildcard_constraints:
        dataset="digits|celeba",
    cache: CACHE
    conda:
        ENV
    threads: CPU_THREADS
    resources:
        **cpu_job(120, mem_mb=32000),
    params:
        spec=harmonic_pool_spec,
        code=job_code("harmonic", "pool"),
    shell:
        "python -m diffgen.cli harmonic pool --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"


rule harmonic_test_set:
    input:
        unpack(harmonic_checked_named(harmonic_pool_input)),
    output:
        harmonic.TEST,
    log:
        f"{harmonic.logs}/data/{{dataset}}_test.log",
    wildcard_constraints:
        **HARMONIC_WILDCARDS,
    conda:
        ENV
    resources:
        **cpu_job(30),
    params:
        spec=harmonic_data_spec("test"),
        pool=harmonic_pool_arg,
        code=job_code("harmonic", "data"),
    shell:
        "python -m diffgen.cli harmonic data {params.pool} --spec {params.spec:q}"
        " --out {output} > {log} 2>&1"


rule harmonic_split:
    input:
        unpack(harmonic_checked_named(harmonic_pool_input)),
    output:
        harmonic.SPLIT,
    log:
        f"{harmonic.logs}/data/{harmonic.RUN}.log",
    wildcard_constraints:
        **HARMONIC_WILDCARDS,
    conda:
        ENV
    resources:
        **cpu_job(60, mem_mb=16000),
    params:
        spec=harmonic_data_spec(None),
        pool=harmonic_pool_arg,
        code=job_code("harmonic", "data"),
    shell:
        "python -m diffgen.cli harmonic data {params.pool} --spec {params.spec:q}"
        " --out {output} > {log} 2>&1"
