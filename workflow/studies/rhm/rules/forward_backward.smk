# Forward-backward runs (fig3, fig4): exact BP on every fig3 grammar, and
# fig1's final models on fig1's grammar, from the same start strings and x_t.


rule rhm_forward_backward_bp:
    input:
        strings=rhm.STRINGS,
    output:
        keep=rhm.FB_BP.replace("{part}", "keep"),
        fluct=rhm.FB_BP.replace("{part}", "fluct"),
    log:
        f"{rhm.logs}/forward_backward/bp/{{grammar}}.log",
    wildcard_constraints:
        **RHM_WILDCARDS,
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(30, mem_mb=16000),
    params:
        spec=rhm_fb_bp_spec,
        code=job_code("rhm", "forward-backward-bp"),
    shell:
        "python -m diffgen.cli rhm forward-backward-bp --strings {input.strings} --spec {params.spec:q}"
        " --keep {output.keep} --fluct {output.fluct} --threads {threads} > {log} 2>&1"


rule rhm_forward_backward_model:
    input:
        strings=rhm.STRINGS,
        checkpoint=rhm_last_checkpoint,
    output:
        keep=rhm.FB_MODEL.replace("{part}", "keep"),
        fluct=rhm.FB_MODEL.replace("{part}", "fluct"),
    log:
        f"{rhm.logs}/forward_backward/model/{rhm.RUN}.log",
    wildcard_constraints:
        **RHM_WILDCARDS,
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60, mem_mb=16000),
    params:
        spec=rhm_fb_model_spec,
        code=job_code("rhm", "forward-backward-model"),
    shell:
        "python -m diffgen.cli rhm forward-backward-model --strings {input.strings}"
        " --checkpoint {input.checkpoint} --spec {params.spec:q} --keep {output.keep}"
        " --fluct {output.fluct} --threads {threads} > {log} 2>&1"
