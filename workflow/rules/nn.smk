# Nearest-neighbour divergence of every checkpoint's samples (Fig 4a).


rule nn_divergence:
    input:
        data=DATA,
        samples=lambda w: [
            SAMPLES.format(n=w.n, split=w.split, seed=w.seed, epoch=e)
            for e in PLAN.checkpoints(int(w.n))
        ],
    output:
        NN,
    log:
        f"{LOGS}/nn_divergence/{MODEL}.log",
    threads: CPU_THREADS
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        spec=lambda w: as_json(
            {
                **model_spec(wildcard_model(w)),
                "n_samples": config["figures"]["fig4a"]["n_samples"],
                "kl_floor": config["figures"]["fig4a"]["kl_floor"],
            }
        ),
        code=code("diffgen.cli.nn"),
    shell:
        "diffgen nn-divergence --data {input.data} --samples {input.samples}"
        " --spec {params.spec:q} --out {output} --device cpu --threads {threads}"
        " > {log} 2>&1"
