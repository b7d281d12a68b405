# Measurements: model pairs A/B (samples, cosines, V), PSNR curves, Jacobians.


rule harmonic_pair:
    input:
        unpack(
            harmonic.checked(
                model_a=harmonic.MODEL.replace("{split}", "A"),
                model_b=harmonic.MODEL.replace("{split}", "B"),
                data_a=harmonic.SPLIT.replace("{split}", "A"),
                data_b=harmonic.SPLIT.replace("{split}", "B"),
                test=harmonic.TEST,
            )
        ),
    output:
        table=harmonic.PAIR,
        images=harmonic.PAIR_IMAGES,
    log:
        f"{harmonic.logs}/measure/pair/{{dataset}}/N{{n}}.log",
    wildcard_constraints:
        **HARMONIC_WILDCARDS,
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60, mem_mb=16000),
    params:
        spec=harmonic_pair_spec,
        code=job_code("harmonic", "pair"),
    shell:
        "python -m diffgen.cli harmonic pair --model-a {input.model_a} --model-b {input.model_b}"
        " --data-a {input.data_a} --data-b {input.data_b} --test {input.test}"
        " --spec {params.spec:q} --out {output.table} --images {output.images}"
        " --threads {threads} > {log} 2>&1"


rule harmonic_psnr:
    input:
        unpack(
            harmonic.checked(
                model=harmonic.MODEL, train=harmonic.SPLIT, test=harmonic.TEST
            )
        ),
    output:
        harmonic.PSNR,
    log:
        f"{harmonic.logs}/measure/psnr/{harmonic.RUN}.log",
    wildcard_constraints:
        **HARMONIC_WILDCARDS,
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(30, mem_mb=16000),
    params:
        spec=harmonic_psnr_spec,
        code=job_code("harmonic", "psnr"),
    shell:
        "python -m diffgen.cli harmonic psnr --model {input.model} --train {input.train}"
        " --test {input.test} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"


rule harmonic_jacobian:
    input:
        unpack(harmonic.checked(model=harmonic.MODEL, test=harmonic.TEST)),
    output:
        spectrum=harmonic.JACOBIAN.replace("{part}", "spectrum"),
        summary=harmonic.JACOBIAN.replace("{part}", "summary"),
        basis=harmonic.JACOBIAN.replace("{part}", "basis"),
    log:
        f"{harmonic.logs}/measure/jacobian/{harmonic.RUN}.log",
    wildcard_constraints:
        **HARMONIC_WILDCARDS,
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(120, mem_mb=32000),
    params:
        spec=harmonic_jacobian_spec,
        code=job_code("harmonic", "jacobian"),
    shell:
        "python -m diffgen.cli harmonic jacobian --model {input.model} --test {input.test}"
        " --spec {params.spec:q} --spectrum {output.spectrum} --summary {output.summary}"
        " --basis {output.basis} --threads {threads} > {log} 2>&1"
