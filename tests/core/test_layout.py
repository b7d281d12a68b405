"""The five-studies layout: each study is a room of its own.

Studies are `include:`d into one namespace, so a study's .smk files may only
define names that start with its key; its figures come from its registry, each
with a caption, a table builder and a plotter that load; its job kinds are
modules with the entry points the CLI needs.
"""

from __future__ import annotations

import importlib
import re

import pytest
from conftest import ROOT

from diffgen.cli import _kinds, studies
from diffgen.core.registry import resolve

WORKFLOW_STUDIES = sorted(p.name for p in (ROOT / "workflow" / "studies").iterdir() if p.is_dir())
TOP_LEVEL = re.compile(r"^(?:def|class)\s+(\w+)|^(\w+)[ \t]*(?::[^=\n]+)?=(?!=)|^for\s+(\w+)", re.M)
IMPORTED = re.compile(r"^from\s+\S+\s+import\s+(.+)$", re.M)


def _defined_names(text: str) -> set[str]:
    names = {next(g for g in match.groups() if g) for match in TOP_LEVEL.finditer(text)}
    for match in IMPORTED.finditer(text):
        for item in match.group(1).strip("()").split(","):
            names.add(item.split(" as ")[-1].strip())
    return names - {""}


def test_every_study_package_has_a_workflow_folder_and_an_include():
    assert studies() == WORKFLOW_STUDIES
    snakefile = (ROOT / "Snakefile").read_text()
    for study in WORKFLOW_STUDIES:
        folder = ROOT / "workflow" / "studies" / study
        assert (folder / "study.smk").is_file() and (folder / "schema.yaml").is_file(), study
        assert f'include: "workflow/studies/{study}/study.smk"' in snakefile, study


@pytest.mark.parametrize("study", WORKFLOW_STUDIES)
def test_a_study_defines_only_names_of_its_own(study):
    folder = ROOT / "workflow" / "studies" / study
    for path in sorted(folder.rglob("*.smk")):
        for name in _defined_names(path.read_text()):
            assert name.lower().startswith(study), (
                f"{path.relative_to(ROOT)} defines '{name}', which another study could reuse"
            )


@pytest.mark.parametrize("study", WORKFLOW_STUDIES)
def test_every_registered_figure_has_a_caption_a_builder_and_a_plotter(study):
    figures = importlib.import_module(f"diffgen.{study}.registry").FIGURES
    assert figures, study
    for name, figure in figures.items():
        caption = ROOT / "workflow" / "studies" / study / "report" / f"{name}.rst"
        assert caption.is_file() and caption.read_text().strip(), caption
        assert callable(resolve(figure.table)) and callable(resolve(figure.plot)), name
        assert figure.title and figure.inputs, name


@pytest.mark.parametrize("study", ["core", *WORKFLOW_STUDIES])
def test_every_job_kind_has_its_entry_points_and_a_help_line(study):
    for kind in _kinds(study):
        module = importlib.import_module(f"diffgen.{study}.jobs.{kind.replace('-', '_')}")
        assert callable(module.add_arguments) and callable(module.run), kind
        assert (module.__doc__ or "").strip(), f"{kind} has no docstring (its --help line)"
