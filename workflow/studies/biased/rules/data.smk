# Grammar dataset: generated from seeds (or imported from a reference file).


rule biased_grammar_data:
    output:
        biased.DATA,
    log:
        f"{biased.logs}/data.log",
    cache: "omit-software"
    resources:
        **cpu_job(60),
    params:
        spec=biased_data_spec(),
        code=job_code("biased", "data"),
    shell:
        "{DIFFGEN} biased data --spec {params.spec:q} --out {output} > {log} 2>&1"
