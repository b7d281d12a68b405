# Generation split: samples of every generation checkpoint from shared noise, and
# the similarity of every pair of models with representative pairs.


rule biased_faces_generate:
    input:
        unpack(biased.checked(checkpoints=biased_faces_generation_checkpoints)),
    output:
        biased.FACES_SAMPLES,
    log:
        f"{biased.FACES_LOGS}/samples/split{{split}}.log",
    cache: CACHE
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(180),
    params:
        spec=biased_faces_generate_spec,
        code=job_code("biased", "faces-generate"),
    shell:
        "python -m diffgen.cli biased faces-generate --checkpoints {input.checkpoints}"
        " --spec {params.spec:q} --out {output} --threads {threads} > {log} 2>&1"


rule biased_faces_pairs:
    input:
        unpack(
            biased.checked(
                data=biased.FACES_DATA,
                samples=biased_faces_per_model(biased.FACES_SAMPLES),
            )
        ),
    output:
        similarity=biased.FACES_SIMILARITY,
        representatives=biased.FACES_REPRESENTATIVES,
    log:
        f"{biased.FACES_LOGS}/generation_split.log",
    conda:
        ENV
    threads: CPU_THREADS
    resources:
        **cpu_job(60, mem_mb=16000),
    params:
        spec=biased_faces_pairs_spec(),
        code=job_code("biased", "faces-pairs"),
    shell:
        "python -m diffgen.cli biased faces-pairs --data {input.data} --samples {input.samples}"
        " --spec {params.spec:q} --similarity {output.similarity}"
        " --representatives {output.representatives} --device cpu --threads {threads}"
        " > {log} 2>&1"
