"""Write a new, working study: package, workflow folder, schema, config, toy figure, tests.

    diffgen new-study NAME --title "Study 6: ..."      (or: make new-study NAME=...)

The study it writes is the study contract in executable form: path templates
declared on its ``Study``, inputs by kind, one job helper per job kind, identity
records checked while the DAG is planned and in the job, a schema that owns
every default, a registry entry per figure. It runs end to end at once
(``snakemake --profile profiles/small NAME``); then replace the toy figure with
the study's own. Outside its own folders it adds one ``include:`` line to the
Snakefile and a section to ``config.yaml`` and the small preset.
"""

from __future__ import annotations

import argparse
import keyword
import re
from pathlib import Path

from diffgen.core.errors import ConfigError

TEMPLATE = Path(__file__).resolve().parent / "study_template"
#: Names a study may not take: packages and targets of the workflow itself.
RESERVED = {"core", "tools", "images", "all", "data", "models", "table", "plot", "fingerprint"}
NAME = re.compile(r"^[a-z][a-z0-9]{1,19}$")
#: Where each template folder goes (``{name}`` is the study's name).
DESTINATIONS = {
    "package": "src/diffgen/{name}",
    "workflow": "workflow/studies/{name}",
    "tests": "tests/{name}",
}
FIGURES_INCLUDE = 'include: "workflow/rules/figures.smk"'
#: config.yaml states choices only: the study runs at its schema's defaults until one is made.
CONFIG_SECTION = """
# -- {name}: at paper scale without a section (workflow/studies/{name}/schema.yaml). E.g.:
# {name}:
#   data: {{ n: 8192 }}
"""
SMALL_SECTION = """
{name}:
  data:
    n: 512
    dim: 4
  moments:
    sizes: [8, 64, 512]
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the study's key: lower case letters and digits")
    parser.add_argument("--title", default=None, help='e.g. "Study 6: ..." (default: the name)')
    parser.add_argument("--root", default=".", help="the checkout to write into (default: .)")


def check_name(name: str, root: Path) -> None:
    """One line for a name that cannot be a study, or is one already."""
    if not NAME.match(name) or keyword.iskeyword(name):
        raise ConfigError(
            f"study name '{name}': use 2-20 lower-case letters and digits, starting with a letter"
        )
    if name in RESERVED:
        raise ConfigError(f"study name '{name}' is reserved by the workflow")
    for folder in DESTINATIONS.values():
        taken = root / folder.format(name=name)
        if taken.exists():
            raise ConfigError(f"study name '{name}': {taken} exists already")


def render(text: str, name: str, title: str) -> str:
    return (
        text.replace("@NAME_UPPER@", name.upper()).replace("@NAME@", name).replace("@TITLE@", title)
    )


def planned_files(name: str, title: str) -> dict[Path, str]:
    """Relative path -> content of every file the study's folders get."""
    files = {}
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE)
        top, rest = relative.parts[0], Path(*relative.parts[1:])
        target = Path(DESTINATIONS[top].format(name=name)) / str(rest)[: -len(".tmpl")]
        if top == "tests":
            target = target.with_name(f"test_{name}.py")
        files[target] = render(source.read_text(), name, title)
    return files


def add_include(snakefile: Path, name: str) -> None:
    """The study's ``include:`` line, just before the generated figure rules."""
    text = snakefile.read_text()
    if FIGURES_INCLUDE not in text:
        raise ConfigError(f"{snakefile}: no '{FIGURES_INCLUDE}' line to put the study before")
    line = f'include: "workflow/studies/{name}/study.smk"\n'
    snakefile.write_text(text.replace(FIGURES_INCLUDE, line + FIGURES_INCLUDE, 1))


def append(path: Path, section: str) -> None:
    text = path.read_text()
    path.write_text(text.rstrip("\n") + "\n" + section)


def run(args: argparse.Namespace) -> None:
    root = Path(args.root)
    name, title = args.name, args.title or args.name
    if not (root / "Snakefile").is_file():
        raise ConfigError(f"{root}: not a diffgen checkout (no Snakefile)")
    check_name(name, root)
    for relative, content in planned_files(name, title).items():
        destination = root / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(content)
    add_include(root / "Snakefile", name)
    append(root / "config.yaml", CONFIG_SECTION.format(name=name))
    append(root / "resources" / "presets" / "small.yaml", SMALL_SECTION.format(name=name))
    print(
        f"study '{name}' written: src/diffgen/{name}/, workflow/studies/{name}/, tests/{name}/\n"
        f"run it: snakemake --profile profiles/small {name}"
    )
