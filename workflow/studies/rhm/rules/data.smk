# RHM datasets (rules, train and test trees) and forward-backward start strings.


rule rhm_dataset:
    output:
        rhm.DATA,
    log:
        f"{rhm.logs}/data/{{grammar}}/P{{P}}.log",
    wildcard_constraints:
        **RHM_WILDCARDS,
    cache: CACHE
    conda:
        ENV
    threads: CPU_THREADS
    resources:
        **cpu_job(30),
    params:
        spec=rhm_data_spec,
        code=job_code("rhm", "data"),
    shell:
        "python -m diffgen.cli rhm data --spec {params.spec:q} --out {output} > {log} 2>&1"


rule rhm_strings:
    output:
        rhm.STRINGS,
    log:
        f"{rhm.logs}/strings/{{grammar}}.log",
    wildcard_constraints:
        **RHM_WILDCARDS,
    cache: CACHE
    conda:
        ENV
    threads: CPU_THREADS
    resources:
        **cpu_job(30),
    params:
        spec=rhm_strings_spec,
        code=job_code("rhm", "strings"),
    shell:
        "python -m diffgen.cli rhm strings --spec {params.spec:q} --out {output} > {log} 2>&1"
