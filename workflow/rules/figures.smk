# Figure tables (seed averages) and plots. Both are cheap and run locally.


CAPTIONS = {
    "fig1b": "Fig 1(b): sequential learning",
    "fig3b": "Fig 3(b): score divergence along t",
    "fig4a": "Fig 4(a): nearest-neighbour divergence",
    "fig4b": "Fig 4(b): loss decomposition",
    "fig5": "Fig 5: U-turn overlaps",
    "fig6": "Fig 6: sequential learning, all sizes",
    "figA11": "App. Fig 11: U-turn from random sequences",
}


rule figure_table:
    input:
        unpack(table_inputs),
    output:
        report(
            TABLE,
            caption="../report/table.rst",
            category="Study 1 tables (CSV)",
            subcategory=lambda wildcards: CAPTIONS[wildcards.figure],
            labels={"figure": "{figure}", "format": "CSV"},
        ),
    log:
        f"{LOGS}/tables/{{figure}}.log",
    conda:
        "../../envs/diffgen.yaml"
    resources:
        runtime=10,
    params:
        args=table_arguments,
        code=code("diffgen.cli.aggregate"),
    shell:
        "python -m diffgen.cli table --figure {wildcards.figure} {params.args} --out {output} > {log} 2>&1"


for figure_name in FIGURES:

    rule:
        name:
            f"plot_{figure_name}"
        input:
            table=TABLE.format(figure=figure_name),
            style=STYLE,
        output:
            pdf=FIGURE.format(figure=figure_name, ext="pdf"),
            png=report(
                FIGURE.format(figure=figure_name, ext="png"),
                caption=f"../report/{figure_name}.rst",
                category="Study 1: biased generalization",
                subcategory=CAPTIONS[figure_name],
                labels={"figure": figure_name, "format": "PNG"},
            ),
        log:
            f"{LOGS}/figures/{figure_name}.log",
        conda:
            "../../envs/diffgen.yaml"
        resources:
            runtime=10,
        params:
            figure=figure_name,
            code=plot_code(figure_name),
        shell:
            "python -m diffgen.cli plot --figure {params.figure} --table {input.table}"
            " --pdf {output.pdf} --png {output.png} --style {input.style} > {log} 2>&1"
