"""Report captions render clean: Jinja (as Snakemake's report does, with the config in
use) then reStructuredText, with no docutils system message, for the paper config and
the small preset; small-preset captions say they are smoke runs."""

from __future__ import annotations

import re
import textwrap
from types import SimpleNamespace

import pytest
from conftest import ROOT, workflow_config
from docutils.core import publish_parts
from jinja2 import Environment

from diffgen.cli import studies

CAPTIONS = sorted((ROOT / "workflow").rglob("report/*.rst"))
PRESETS = {"paper": (), "small": ("resources/presets/small.yaml",)}
TITLE = re.compile(r'^\s*"(Study \d+: [^"]+)",', re.M)

# What Snakemake appends to every caption: one link target per category.
LINKS = textwrap.dedent("""

    .. _Workflow: javascript:show_panel('workflow')
    .. _Statistics: javascript:show_panel('statistics')
    {% for name in categories %}
    .. _{{ name }}: javascript:app.showCategory('{{ name|urlencode }}')
    {% endfor %}
    """)


def categories() -> list[str]:
    """The report categories figures.smk makes: each study's figures and its tables."""
    from diffgen.core.registry import report_category

    names = []
    for study in studies():
        text = (ROOT / "workflow" / "studies" / study / "study.smk").read_text()
        title = TITLE.search(text).group(1)
        names += [report_category(title), report_category(title, "tables (CSV)")]
    return names


def config_in_use(preset: str) -> dict:
    config = workflow_config(*PRESETS[preset])
    for study in studies():
        config[study] = workflow_config(*PRESETS[preset], study=study)
    return config


def render(path, config) -> str:
    env = Environment(trim_blocks=True, lstrip_blocks=True)
    snakemake = SimpleNamespace(config=config)
    text = env.from_string(path.read_text() + LINKS).render(
        snakemake=snakemake, categories=categories(), files=[]
    )
    settings = {"report_level": 2, "halt_level": 5, "warning_stream": False}
    return publish_parts(text, writer_name="html", settings_overrides=settings)["html_body"]


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_caption_renders_without_a_system_message(preset):
    config = config_in_use(preset)
    for path in CAPTIONS:
        html = render(path, config)
        assert "system-message" not in html, (path.relative_to(ROOT), html)


def test_small_preset_captions_say_they_are_smoke_runs():
    small, paper = config_in_use("small"), config_in_use("paper")
    for path in CAPTIONS:
        if path.parent.parent.name in studies():
            assert "smoke run" in render(path, small), path.relative_to(ROOT)
            assert "smoke run" not in render(path, paper), path.relative_to(ROOT)
