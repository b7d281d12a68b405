# diffgen: memorization, generalization and bias in diffusion models.
#
# One workflow, one study per folder under workflow/studies/: data generation ->
# per-seed training -> sampling -> measurements -> figures. Every figure is a
# target (`snakemake --profile local fig4a`, `snakemake rhm_fig1`); a study's
# name builds all of its figures (`snakemake biased`), `all` every study.

from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/caching.smk"
include: "workflow/studies/biased/study.smk"
include: "workflow/studies/rhm/study.smk"
include: "workflow/studies/repro/study.smk"
include: "workflow/studies/harmonic/study.smk"
include: "workflow/studies/amplify/study.smk"
include: "workflow/rules/figures.smk"


rule all:
    """every figure of every study in the config's `studies` (the default target)"""
    default_target: True
    input:
        [STUDIES[name].all_figure_files() for name in enabled_studies()],
    localrule: True


rule data:
    """the datasets of every study in the config's `studies`"""
    input:
        [STUDIES[name].data() for name in enabled_studies()],
    localrule: True


rule models:
    """the trained models of every study in the config's `studies`"""
    input:
        [STUDIES[name].models() for name in enabled_studies()],
    localrule: True
