# RHM datasets (rules, train and test trees) and forward-backward start strings.


rule rhm_dataset:
    output:
        rhm.DATA,
    log:
        rhm.job("data").log("data/{grammar}/P{P}.log"),
    wildcard_constraints:
        **RHM_WILDCARDS,
    cache: "omit-software"
    conda:
        ENV
    threads: CPU_THREADS
    resources:
        **cpu_job(30),
    params:
        spec=rhm_data_spec,
        code=rhm.job("data").code,
    shell:
        rhm.job("data").shell("--spec {params.spec:q} --out {output}")


rule rhm_strings:
    output:
        rhm.STRINGS,
    log:
        rhm.job("strings").log("strings/{grammar}.log"),
    wildcard_constraints:
        **RHM_WILDCARDS,
    cache: "omit-software"
    conda:
        ENV
    threads: CPU_THREADS
    resources:
        **cpu_job(30),
    params:
        spec=rhm_strings_spec,
        code=rhm.job("strings").code,
    shell:
        rhm.job("strings").shell("--spec {params.spec:q} --out {output}")
