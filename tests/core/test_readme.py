"""The front door: a short README whose links resolve inside the repository."""

from __future__ import annotations

import re

import yaml
from conftest import ROOT

from diffgen.cli import studies

LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
PAGES = sorted((ROOT / "docs").rglob("*.md"))


def test_readme_is_a_front_door():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) <= 220
    for command in (
        "make demo",
        "make test",
        "snakemake -l",
        "-q rules",
        "diffgen cost",
        "--unlock",
    ):
        assert command in text, command
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["license"] == "MIT" and len(citation["references"]) >= 5


def test_no_page_points_outside_the_repository():
    for page in [ROOT / "README.md", *PAGES]:
        text = page.read_text()
        assert "shared/spec" not in text and "../shared" not in text, page
        for target in LINK.findall(text):
            if "://" in target:
                continue
            path = (page.parent / target).resolve()
            assert path.is_relative_to(ROOT), (page, target)
            built = path.parent.name != "studies" or path.stem in studies()
            assert path.exists() or not built, (page, target)


def test_every_study_has_its_page():
    for study in studies():
        assert (ROOT / "docs" / "studies" / f"{study}.md").is_file(), study
