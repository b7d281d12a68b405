# Nearest-neighbour divergence of every checkpoint's samples (Fig 4a): a CPU job.


rule nn_divergence:
    input:
        data=DATA,
        samples=run_samples,
    output:
        NN,
    log:
        f"{LOGS}/nn_divergence/{MODEL}.log",
    conda:
        "../../envs/diffgen.yaml"
    threads: CPU_THREADS
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        spec=nn_spec,
        code=code("diffgen.cli.nn"),
    shell:
        "python -m diffgen.cli nn-divergence --data {input.data} --samples {input.samples}"
        " --spec {params.spec:q} --out {output} --device cpu --threads {threads}"
        " > {log} 2>&1"
