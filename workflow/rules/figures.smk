# Every study's figure rules, generated from its registry: a table (seed
# averages) and a plot per figure, both cheap and run locally, and the targets.
# Included after the studies; adding a figure touches its registry entry only.

import json

from diffgen.core.errors import ConfigError

# Top-level keys are the shared ones and one section per included study.
_known = sorted(
    {*load_schema(WORKFLOW / "schemas" / "config.schema.yaml")["properties"], *STUDIES}
)
for _key in config:
    if _key not in _known:
        fail(
            ConfigError(
                f"unknown config key '{_key}' (known here: {', '.join(_known)})"
            )
        )
for _name in config.get("studies", []):
    if _name not in STUDIES:
        fail(
            ConfigError(
                f"config key 'studies': no study '{_name}' (studies: {', '.join(STUDIES)})"
            )
        )


def enabled_studies():
    """The studies `all`, `data` and `models` build: config `studies`, else every study."""
    return config.get("studies") or list(STUDIES)


def figure_table_inputs(study, figure):
    """Input function: the builder's input tables by kind (the study maps kinds to paths)."""
    kinds = study.figures[figure].inputs

    def inputs(wildcards):
        resolved = {kind: study.input_paths(kind, figure) for kind in kinds}
        for kind, paths in resolved.items():
            check_inputs(paths, study.input_columns(kind), study)
        return resolved

    return inputs


def table_arguments(wildcards, input):
    """`--input KIND PATH...` for every named input of a table rule."""
    return " ".join(f"--input {name} {' '.join(input[name])}" for name in input.keys())


for _study in STUDIES.values():
    for _figure, _entry in _study.figures.items():

        rule:
            name:
                f"{_study.name}_table_{_figure}"
            input:
                unpack(figure_table_inputs(_study, _figure)),
            output:
                report(
                    _study.table(_figure),
                    caption="../report/table.rst",
                    category=f"{_study.title}: tables (CSV)",
                    subcategory=_entry.title,
                    labels={"figure": _figure, "format": "CSV"},
                ),
            log:
                f"{_study.logs}/tables/{_figure}.log",
            localrule: True
            conda:
                ENV
            resources:
                runtime=10,
            params:
                inputs=table_arguments,
                builder=_entry.table,
                options=json.dumps(_study.figure_options(_figure), sort_keys=True),
                code=code("diffgen.core.jobs.table", _entry.module("table")),
            shell:
                "python -m diffgen.cli table --builder {params.builder} {params.inputs}"
                " --options {params.options:q} --out {output} > {log} 2>&1"

        rule:
            name:
                f"{_study.name}_plot_{_figure}"
            input:
                table=_study.table(_figure),
                style=STYLE,
            output:
                pdf=_study.figure_file(_figure, "pdf"),
                png=report(
                    _study.figure_file(_figure, "png"),
                    caption=f"../studies/{_study.name}/report/{_figure}.rst",
                    category=_study.title,
                    subcategory=_entry.title,
                    labels={"figure": _figure, "format": "PNG"},
                ),
            log:
                f"{_study.logs}/figures/{_figure}.log",
            localrule: True
            conda:
                ENV
            resources:
                runtime=10,
            params:
                plotter=_entry.plot,
                options=json.dumps(_study.figure_options(_figure), sort_keys=True),
                code=code("diffgen.core.jobs.plot", _entry.module("plot")),
            shell:
                "python -m diffgen.cli plot --plotter {params.plotter} --table {input.table}"
                " --pdf {output.pdf} --png {output.png} --style {input.style}"
                " --options {params.options:q} > {log} 2>&1"

        for _target in _study.target_names(_figure):

            rule:
                name:
                    _target
                input:
                    _study.figure_files(_figure),
                localrule: True

    rule:
        name:
            _study.name
        input:
            _study.all_figure_files(),
        localrule: True

    rule:
        name:
            f"{_study.name}_data"
        input:
            _study.data(),
        localrule: True

    rule:
        name:
            f"{_study.name}_models"
        input:
            _study.models(),
        localrule: True
