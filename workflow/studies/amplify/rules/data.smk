# Colour-biased digit sets, one per (classes, ρ, class size, no-digit, split), and
# the classifier's accuracy under noise on one of them (fig A).


rule amplify_biased_set:
    output:
        amplify.DATA,
    log:
        amplify.job("data").log("data/{dataset}.log"),
    wildcard_constraints:
        **AMPLIFY_WILDCARDS,
    cache: CACHE
    conda:
        ENV
    threads: 1
    resources:
        **cpu_job(20, mem_mb=8000),
    params:
        spec=amplify_data_spec,
        code=amplify.job("data").code,
    shell:
        amplify.job("data").shell("--spec {params.spec:q} --out {output}")


rule amplify_accuracy:
    input:
        unpack(amplify.checked(data=amplify.DATA)),
    output:
        amplify.ACCURACY,
    log:
        amplify.job("figa").log("figA/{dataset}.log"),
    wildcard_constraints:
        **AMPLIFY_WILDCARDS,
    conda:
        ENV
    threads: 1
    resources:
        **cpu_job(30, mem_mb=8000),
    params:
        spec=amplify_figa_spec,
        code=amplify.job("figa").code,
    shell:
        amplify.job("figa").shell(
            "--data {input.data} --spec {params.spec:q} --out {output}"
        )
