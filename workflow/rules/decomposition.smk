# Loss decomposition l* + l~ over checkpoints (Fig 4b).


rule loss_decomposition:
    input:
        data=DATA,
        checkpoints=run_checkpoints,
    output:
        DECOMPOSITION,
    log:
        f"{LOGS}/loss_decomposition/{MODEL}.log",
    conda:
        "../../envs/diffgen.yaml"
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=gpu_runtime(60),
    params:
        spec=decomposition_spec,
        code=code("diffgen.cli.decomposition"),
    shell:
        "python -m diffgen.cli loss-decomposition --data {input.data}"
        " --checkpoints {input.checkpoints} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"
