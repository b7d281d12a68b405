# Loss decomposition l* + l~ over checkpoints (Fig 4b).


rule biased_loss_decomposition:
    input:
        unpack(biased.checked(data=biased.DATA, checkpoints=biased_run_checkpoints)),
    output:
        biased.DECOMPOSITION,
    log:
        f"{biased.logs}/loss_decomposition/{biased.MODEL}.log",
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60),
    params:
        spec=biased_decomposition_spec,
        code=job_code("biased", "loss-decomposition"),
    shell:
        "python -m diffgen.cli biased loss-decomposition --data {input.data}"
        " --checkpoints {input.checkpoints} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"
