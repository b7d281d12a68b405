# Nearest-neighbour divergence of every checkpoint's samples (Fig 4a): a CPU job.


rule biased_nn_divergence:
    input:
        unpack(biased.checked(data=biased.DATA, samples=biased_run_samples)),
    output:
        biased.NN,
    log:
        f"{biased.logs}/nn_divergence/{biased.MODEL}.log",
    conda:
        ENV
    threads: CPU_THREADS
    resources:
        **cpu_job(60),
    params:
        spec=biased_nn_spec,
        code=job_code("biased", "nn-divergence"),
    shell:
        "python -m diffgen.cli biased nn-divergence --data {input.data} --samples {input.samples}"
        " --spec {params.spec:q} --out {output} --device cpu --threads {threads}"
        " > {log} 2>&1"
