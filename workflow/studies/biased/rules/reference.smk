# Reference epochs (test-loss minimum, NN-divergence minimum) chosen from data.
# A checkpoint rule: jobs that read the chosen checkpoints are planned after it.


checkpoint biased_reference_epochs:
    input:
        unpack(biased_reference_inputs),
    output:
        biased.REFERENCE,
    log:
        f"{biased.logs}/reference/{{figure}}_n{{n}}.log",
    wildcard_constraints:
        figure="|".join(BIASED_FIGURES),
    localrule: True
    conda:
        ENV
    resources:
        runtime=10,
    params:
        nn=biased_reference_arguments,
        code=job_code("biased", "reference-epochs"),
    shell:
        "python -m diffgen.cli biased reference-epochs --loss {input.loss} {params.nn}"
        " --out {output} > {log} 2>&1"
