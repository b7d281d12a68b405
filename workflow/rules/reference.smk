# Reference epochs (test-loss minimum, NN-divergence minimum) chosen from data.
# A checkpoint rule: jobs that read the chosen checkpoints are planned after it.


checkpoint reference_epochs:
    input:
        unpack(reference_inputs),
    output:
        REFERENCE,
    log:
        f"{LOGS}/reference/{{figure}}_n{{n}}.log",
    conda:
        "../../envs/diffgen.yaml"
    resources:
        runtime=10,
    params:
        nn=reference_arguments,
        code=code("diffgen.cli.aggregate"),
    shell:
        "python -m diffgen.cli reference-epochs --loss {input.loss} {params.nn}"
        " --out {output} > {log} 2>&1"
