"""The report's front page: one block per study the Snakefile includes, made by a loop.

The page is rendered as Snakemake's report renders it (Jinja with the config in
use and the report's files, whose rule globals hold the workflow's ``STUDIES``),
then as reStructuredText: no docutils system message, every included study's
title and every figure's targets and title on it, and a study the page has never
heard of appears as soon as it is in ``STUDIES``.
"""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

import pytest
from conftest import ROOT
from docutils.core import publish_parts
from jinja2 import Environment
from test_captions import LINKS, PRESETS, TITLE, categories, config_in_use

from diffgen.core.registry import Figure

FRONT = ROOT / "workflow" / "report" / "workflow.rst"
SNAKEFILE = (ROOT / "Snakefile").read_text()
INCLUDED = re.findall(r'^include: "workflow/studies/(\w+)/study\.smk"', SNAKEFILE, flags=re.M)


def study(name: str, config: dict) -> SimpleNamespace:
    """What the page reads of a Study: name, title, figures, its config section, targets."""
    title = TITLE.search((ROOT / "workflow" / "studies" / name / "study.smk").read_text()).group(1)
    figures = importlib.import_module(f"diffgen.{name}.registry").FIGURES
    bare = name == "biased"  # study 1 keeps the paper's bare names beside its own
    return SimpleNamespace(
        name=name, title=title, figures=figures, config=config[name],
        target_names=lambda fig: [fig, f"{name}_{fig}"] if bare else [f"{name}_{fig}"],
    )  # fmt: skip


def render(config: dict, studies: dict) -> str:
    env = Environment(trim_blocks=True, lstrip_blocks=True)
    rule = SimpleNamespace(module_globals={"STUDIES": studies, "__version__": "0"})
    files = [SimpleNamespace(job=SimpleNamespace(rule=rule))]
    text = env.from_string(FRONT.read_text() + LINKS).render(
        snakemake=SimpleNamespace(config=config), categories=categories(), files=files
    )
    settings = {"report_level": 2, "halt_level": 5, "warning_stream": False}
    return publish_parts(text, writer_name="html", settings_overrides=settings)["html_body"]


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_front_page_lists_every_included_study_and_renders_clean(preset):
    assert len(INCLUDED) >= 4 and "biased" in INCLUDED and "rhm" in INCLUDED
    config = config_in_use(preset)
    studies = {name: study(name, config) for name in INCLUDED}
    html = render(config, studies)
    assert "system-message" not in html, html
    for entry in studies.values():
        assert entry.title in html, entry.title
        for name, figure in entry.figures.items():
            assert figure.title.replace("&", "&amp;") in html, figure.title
            for target in entry.target_names(name):
                assert f">{target}<" in html, target
    assert ("smoke run" in html) == (preset == "small")
    # Studies in the order of their numbers, whatever the include order.
    numbers = [int(n) for n in re.findall(r"<strong>Study (\d+):", html)]
    assert numbers == sorted(numbers) and len(numbers) == len(INCLUDED)


def test_a_new_study_appears_without_editing_the_page():
    config = config_in_use("small")
    toy = SimpleNamespace(
        name="toy", title="Study 9: a toy study", config={"figures": {"fig1": {"n": 3}}},
        figures={"fig1": Figure("Fig 1: the toy figure", ("moments",), "m:t", "m:p")},
        target_names=lambda fig: [f"toy_{fig}"],
    )  # fmt: skip
    html = render(config, {"rhm": study("rhm", config), "toy": toy})
    assert "system-message" not in html
    assert "Study 9: a toy study" in html and "Fig 1: the toy figure" in html
    assert ">toy_fig1<" in html and ">n=3<" in html
    assert "toy" not in FRONT.read_text()
