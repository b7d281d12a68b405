# Figure tables (seed averages) and plots. Both are cheap and run locally.


def pair_paths(n):
    return [
        SAMPLE_SPLIT.format(
            n=n,
            kind="same" if pair.same_split else "disjoint",
            split1=pair.first.split,
            seed1=pair.first.seed,
            split2=pair.second.split,
            seed2=pair.second.seed,
        )
        for pair in PLAN.pairs(n)
    ]


def per_size(figure, template, **extra):
    return [
        p
        for n in PLAN.figure_sizes(figure)
        for p in model_paths(template, figure, n, **extra)
    ]


def table_inputs(w):
    figure = w.figure
    sizes = PLAN.figure_sizes(figure)
    if figure == "fig4a":
        return {"nn": per_size(figure, NN), "loss": per_size(figure, LOSS)}
    if figure in ("fig1b", "fig6"):
        return {
            "sequential": per_size(figure, SEQUENTIAL),
            "sample_split": [p for n in sizes for p in pair_paths(n)],
        }
    if figure == "fig3b":
        return {"score": per_size(figure, SCORE)}
    if figure == "fig4b":
        return {"decomposition": per_size(figure, DECOMPOSITION)}
    if figure == "fig5":
        refs = ("nn_divergence_min", "test_loss_min")
        return {
            "uturn": [p for r in refs for p in per_size(figure, UTURN, reference=r)]
        }
    return {"uturn_random": per_size(figure, UTURN_RANDOM)}


def table_arguments(wildcards, input):
    return " ".join(
        f"--{name.replace('_', '-')} {' '.join(input[name])}" for name in input.keys()
    )


rule figure_table:
    input:
        unpack(table_inputs),
    output:
        TABLE,
    log:
        f"{LOGS}/tables/{{figure}}.log",
    resources:
        runtime=10,
    params:
        args=table_arguments,
        code=code("diffgen.cli.aggregate"),
    shell:
        "diffgen table --figure {wildcards.figure} {params.args} --out {output} > {log} 2>&1"


CAPTIONS = {
    "fig1b": "Fig 1(b): sequential learning",
    "fig3b": "Fig 3(b): score divergence along t",
    "fig4a": "Fig 4(a): nearest-neighbour divergence",
    "fig4b": "Fig 4(b): loss decomposition",
    "fig5": "Fig 5: U-turn overlaps",
    "fig6": "Fig 6: sequential learning, all sizes",
    "figA11": "App. Fig 11: U-turn from random sequences",
}

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
        resources:
            runtime=10,
        params:
            figure=figure_name,
            code=plot_code(figure_name),
        shell:
            "diffgen plot --figure {params.figure} --table {input.table}"
            " --pdf {output.pdf} --png {output.png} --style {input.style} > {log} 2>&1"
