# Face dataset: synthetic faces, or an img_align_celeba folder (faces.data.path).


rule biased_faces_data:
    input:
        biased_faces_folder,
    output:
        biased.FACES_DATA,
    log:
        f"{biased.FACES_LOGS}/data.log",
    cache: CACHE
    conda:
        ENV
    threads: CPU_THREADS
    resources:
        **cpu_job(60),
    params:
        spec=biased_faces_data_spec(),
        code=job_code("biased", "faces-data"),
    shell:
        "python -m diffgen.cli biased faces-data --spec {params.spec:q} --out {output} > {log} 2>&1"
