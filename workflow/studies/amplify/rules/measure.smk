# Study `amplify`: its data and its one measurement.

rule amplify_points:
    output:
        amplify.DATA,
    log:
        amplify.job("data").log("data.log"),
    conda:
        ENV
    resources:
        **cpu_job(10),
    params:
        spec=amplify_data_spec,
        code=amplify.job("data").code,
    shell:
        amplify.job("data").shell("--spec {params.spec:q} --out {output}")


rule amplify_moments:
    input:
        unpack(amplify.checked(data=amplify.DATA)),
    output:
        amplify.MOMENTS,
    log:
        amplify.job("moments").log("moments.log"),
    conda:
        ENV
    resources:
        **cpu_job(10),
    params:
        spec=amplify_moments_spec,
        code=amplify.job("moments").code,
    shell:
        amplify.job("moments").shell("--data {input.data} --spec {params.spec:q} --out {output}")
