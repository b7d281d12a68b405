# The forward-backward measurement (section forward_backward): exact BP on each
# of its grammars, and the final models of the run family it names (model) on
# that family's grammar, from the same start strings and x_t.


rule rhm_forward_backward_bp:
    input:
        unpack(rhm.checked(strings=rhm.STRINGS)),
    output:
        keep=rhm.FB_BP.replace("{part}", "keep"),
        fluct=rhm.FB_BP.replace("{part}", "fluct"),
    log:
        rhm.job("forward-backward-bp").log("forward_backward/bp/{grammar}.log"),
    wildcard_constraints:
        **RHM_WILDCARDS,
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(30, mem_mb=16000),
    params:
        spec=rhm_fb_bp_spec,
        code=rhm.job("forward-backward-bp").code,
    shell:
        rhm.job("forward-backward-bp").shell(
            "--strings {input.strings} --spec {params.spec:q}"
            " --keep {output.keep} --fluct {output.fluct} --threads {threads}"
        )


rule rhm_forward_backward_model:
    input:
        unpack(rhm.checked(strings=rhm.STRINGS, checkpoint=rhm_last_checkpoint)),
    output:
        keep=rhm.FB_MODEL.replace("{part}", "keep"),
        fluct=rhm.FB_MODEL.replace("{part}", "fluct"),
    log:
        rhm.job("forward-backward-model").log(f"forward_backward/model/{RHM_RUN}.log"),
    wildcard_constraints:
        **RHM_WILDCARDS,
    conda:
        ENV
    threads: GPU_THREADS
    resources:
        **gpu_job(60, mem_mb=16000),
    params:
        spec=rhm_fb_model_spec,
        code=rhm.job("forward-backward-model").code,
    shell:
        rhm.job("forward-backward-model").shell(
            "--strings {input.strings} --checkpoint {input.checkpoint}"
            " --spec {params.spec:q} --keep {output.keep} --fluct {output.fluct}"
            " --threads {threads}"
        )
