# diffgen: memorization, generalization and bias in diffusion models.
#
# Study 1, "Biased generalization in diffusion models" (controlled setting):
# grammar data -> per-seed transformer training -> sampling -> measurements ->
# figures. Every figure is a target: `snakemake --profile local fig4a`.
# The science is specified in the README and workflow/report/*.rst.

from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/specs.smk"
include: "workflow/rules/inputs.smk"
include: "workflow/rules/resources.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/sample.smk"
include: "workflow/rules/nn.smk"
include: "workflow/rules/oracle.smk"
include: "workflow/rules/decomposition.smk"
include: "workflow/rules/uturn.smk"
include: "workflow/rules/reference.smk"
include: "workflow/rules/figures.smk"


# Cheap jobs run on the submitting node under a cluster executor.
localrules:
    all,
    data,
    models,
    fig1b,
    fig3b,
    fig4a,
    fig4b,
    fig5,
    fig6,
    figA11,
    initial_noise,
    reference_epochs,
    figure_table,
    plot_fig1b,
    plot_fig3b,
    plot_fig4a,
    plot_fig4b,
    plot_fig5,
    plot_fig6,
    plot_figA11,


rule all:
    default_target: True
    input:
        [figure_files(f) for f in FIGURES],


rule data:
    input:
        DATA,


rule models:
    input:
        all_checkpoints(),


rule fig1b:
    input:
        figure_files("fig1b"),


rule fig3b:
    input:
        figure_files("fig3b"),


rule fig4a:
    input:
        figure_files("fig4a"),


rule fig4b:
    input:
        figure_files("fig4b"),


rule fig5:
    input:
        figure_files("fig5"),


rule fig6:
    input:
        figure_files("fig6"),


rule figA11:
    input:
        figure_files("figA11"),
