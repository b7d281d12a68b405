# Grammar dataset: generated from seeds (or imported from a reference file).


rule grammar_data:
    output:
        DATA,
    log:
        f"{LOGS}/data.log",
    cache: "omit-software"
    resources:
        runtime=60,
        mem_mb=8000,
    params:
        spec=as_json({"grammar": config["grammar"], "data": config["data"]}),
        code=code("diffgen.cli.data"),
    shell:
        "diffgen data --spec {params.spec:q} --out {output} > {log} 2>&1"
