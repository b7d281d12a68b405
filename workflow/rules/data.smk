# Grammar dataset: generated from seeds (or imported from a reference file).


rule grammar_data:
    output:
        DATA,
    log:
        f"{LOGS}/data.log",
    cache: "omit-software"
    conda:
        "../../envs/diffgen.yaml"
    resources:
        runtime=60,
        mem_mb=8000,
    params:
        spec=data_spec(),
        code=code("diffgen.cli.data"),
    shell:
        "python -m diffgen.cli data --spec {params.spec:q} --out {output} > {log} 2>&1"
