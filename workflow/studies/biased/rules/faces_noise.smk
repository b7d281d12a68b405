# Noise-prediction split: at every compared checkpoint epoch, the agreement of the
# models' noise predictions on shared noised inputs (one job per epoch).


rule biased_faces_noise_prediction:
    input:
        unpack(
            biased.checked(
                data=biased.FACES_DATA, checkpoints=biased_faces_epoch_checkpoints
            )
        ),
    output:
        biased.FACES_NOISE,
    log:
        f"{biased.FACES_LOGS}/noise_prediction/epoch{{epoch}}.log",
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60),
    params:
        spec=biased_faces_noise_spec,
        code=job_code("biased", "faces-noise-prediction"),
    shell:
        "python -m diffgen.cli biased faces-noise-prediction --data {input.data}"
        " --checkpoints {input.checkpoints} --spec {params.spec:q} --out {output}"
        " --threads {threads} > {log} 2>&1"
