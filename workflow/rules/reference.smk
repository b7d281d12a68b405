# Reference epochs (test-loss minimum, NN-divergence minimum) chosen from data.
# A checkpoint rule: jobs that read the chosen checkpoints are planned after it.

#: figures that need the NN-divergence minimum besides the test-loss minimum
NEEDS_NN_MINIMUM = ("fig5",)


def reference_inputs(w):
    n = int(w.n)
    inputs = {"loss": model_paths(LOSS, w.figure, n)}
    if w.figure in NEEDS_NN_MINIMUM:
        inputs["nn"] = model_paths(NN, w.figure, n)
    return inputs


checkpoint reference_epochs:
    input:
        unpack(reference_inputs),
    output:
        REFERENCE,
    log:
        f"{LOGS}/reference/{{figure}}_n{{n}}.log",
    resources:
        runtime=10,
    params:
        nn=lambda w, input: f"--nn {input.nn}" if "nn" in input.keys() else "",
        code=code("diffgen.cli.aggregate"),
    shell:
        "diffgen reference-epochs --loss {input.loss} {params.nn} --out {output} > {log} 2>&1"
