# Training of the S face U-Nets (split i, seed i) and the loss of every checkpoint.
from diffgen.images.checkpoints import rule_outputs as biased_training_outputs


rule biased_faces_train:
    input:
        unpack(biased.checked(data=biased.FACES_DATA)),
    # The checkpoints and the training log, each named on its own (the cache needs it).
    output:
        **biased_training_outputs(biased.FACES_RUN, BIASED_FACES_PLAN.grid),
    log:
        f"{biased.FACES_LOGS}/train/split{{split}}.log",
    cache: CACHE
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=biased_faces_train_runtime(),
    params:
        spec=biased_faces_train_spec,
        code=job_code("biased", "faces-train"),
    shell:
        "python -m diffgen.cli biased faces-train --data {input.data} --spec {params.spec:q}"
        " --run-dir $(dirname {output.log}) --threads {threads} > {log} 2>&1"


rule biased_faces_loss:
    input:
        unpack(
            biased.checked(
                data=biased.FACES_DATA, checkpoints=biased_faces_run_checkpoints
            )
        ),
    output:
        biased.FACES_LOSS,
    log:
        f"{biased.FACES_LOGS}/loss/split{{split}}.log",
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(120),
    params:
        spec=biased_faces_loss_spec,
        code=job_code("biased", "faces-loss"),
    shell:
        "python -m diffgen.cli biased faces-loss --data {input.data} --checkpoints {input.checkpoints}"
        " --spec {params.spec:q} --out {output} --threads {threads} > {log} 2>&1"
