"""A study's figures, each in one entry: its inputs, table builder, plotter and caption.

The workflow generates every figure's table and plot rules from its study's
registry, so adding a figure touches its entry and the figure's own files.
Builders and plotters are named as ``"module:function"`` and imported only by
the job that runs them, so each figure's code fingerprint is that function's
module and nothing else.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from diffgen.core.errors import ConfigError


@dataclass(frozen=True)
class Figure:
    """One paper figure of a study.

    ``inputs``: kinds of measurement tables the builder reads (the study's
    workflow maps each kind to paths); ``table``: ``"module:function"`` with
    ``function(inputs: dict[str, list[str]], options: dict) -> DataFrame``;
    ``plot``: ``"module:function"`` with ``function(table, pdf, png, style, options)``;
    ``title``: the report's subcategory; ``caption``: the caption file's name.
    """

    title: str
    inputs: tuple[str, ...]
    table: str
    plot: str
    caption: str = ""

    def module(self, which: str) -> str:
        return getattr(self, which).split(":")[0]


def report_category(study_title: str, part: str = "") -> str:
    """A report category name: the study's title without ': ' (Snakemake's report makes
    every category an rST link target, whose name ends at the first colon), then ``part``."""
    name = study_title.replace(": ", " – ")
    return f"{name} – {part}" if part else name


def figure_heading(title: str, preset: str) -> str:
    """What a figure's title starts with: the paper figure, and the preset if not the paper's."""
    return title if preset == "paper" else f"{title} ({preset} preset)"


def resolve(name: str):
    """The function named ``"module:function"`` (a ConfigError for a bad name)."""
    module_name, _, function = name.partition(":")
    if not module_name.startswith("diffgen.") or not function:
        raise ConfigError(f"'{name}' is not a diffgen 'module:function' name")
    try:
        return getattr(importlib.import_module(module_name), function)
    except (ImportError, AttributeError) as err:
        raise ConfigError(f"'{name}' cannot be loaded ({err})") from None
