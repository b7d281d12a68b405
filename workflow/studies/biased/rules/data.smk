# Grammar dataset: generated from seeds (or imported from a reference file).


rule biased_grammar_data:
    output:
        biased.DATA,
    log:
        f"{biased.logs}/data.log",
    cache: CACHE
    conda:
        ENV
    resources:
        **cpu_job(60),
    params:
        spec=biased_data_spec(),
        code=job_code("biased", "data"),
    shell:
        "python -m diffgen.cli biased data --spec {params.spec:q} --out {output} > {log} 2>&1"
