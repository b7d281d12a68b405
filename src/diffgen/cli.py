"""The ``diffgen`` command line: one subcommand per job kind, found by name.

``diffgen <study> <kind> ...`` runs ``diffgen.<study>.jobs.<kind>``;
``diffgen <kind> ...`` runs a study-agnostic kind of ``diffgen.core.jobs``
(``table``, ``plot``, ``fingerprint``); ``diffgen <tool> ...`` runs a project
tool of ``diffgen.tools`` (``new-study``, ...), which is no job of the workflow.
Figures themselves come from Snakemake (``snakemake -l`` lists the targets).
Kinds are modules, found by name, with no registry: adding one changes no
other job's code fingerprint. Rules call
``python -m diffgen.cli ...``; the command line a rule prints reruns the job by
hand. A user error (bad spec, corrupt or missing input) ends with one line
``diffgen: <message>`` and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from diffgen.core.errors import DiffgenError

PACKAGE = Path(__file__).resolve().parent

#: What ``diffgen --help`` ends with: the figures are Snakemake targets, not commands.
EPILOG = """\
Figures come from Snakemake, not from this command: in the checkout,
  snakemake -l                                   lists every target, one line each
  snakemake --profile profiles/small fig4a       one figure, small CPU preset
  snakemake -n fig4a -q rules                    what the paper-scale run needs
  diffgen cost fig4a                             its estimated GPU-hours and disk
The commands above are the jobs the rules run (a rule's command line, printed by
`snakemake -p`, reruns its job by hand)."""


def _kinds(package: str, folder_name: str = "jobs") -> list[str]:
    """Job kinds of ``diffgen.<package>.jobs`` (module names with '-' for '_')."""
    folder = PACKAGE.joinpath(*filter(None, package.split(".")), folder_name)
    return sorted(
        info.name.replace("_", "-")
        for info in pkgutil.iter_modules([str(folder)])
        if not info.name.startswith("_")
    )


def studies() -> list[str]:
    """Subpackages with job kinds, other than the core."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(PACKAGE)])
        if info.ispkg
        and info.name not in ("core", "tools")
        and (PACKAGE / info.name / "jobs").is_dir()
    )


def _module(package: str, kind: str, folder_name: str = "jobs"):
    name = kind.replace("-", "_")
    return importlib.import_module(".".join(filter(None, ("diffgen", package, folder_name, name))))


def _add_kinds(sub, package: str, folder_name: str = "jobs") -> None:
    for kind in _kinds(package, folder_name):
        module = _module(package, kind, folder_name)
        help_text = (module.__doc__ or kind).strip().split("\n")[0]
        parser = sub.add_parser(kind, help=help_text, description=module.__doc__)
        module.add_arguments(parser)
        parser.set_defaults(_run=module.run)


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    """The parser; only the named study's (or the core's) job modules are imported."""
    parser = argparse.ArgumentParser(
        prog="diffgen",
        description=__doc__.split("\n")[0],
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = argv[0] if argv else None
    for study in studies():
        study_parser = sub.add_parser(study, help=f"job kinds of the {study} study")
        if wanted in (study, None, "-h", "--help"):
            _add_kinds(
                study_parser.add_subparsers(dest="kind", required=True, metavar="KIND"), study
            )
    _add_kinds(sub, "core")
    if (PACKAGE / "tools").is_dir():
        _add_kinds(sub, "", "tools")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser(argv).parse_args(argv)
        args._run(args)
    except DiffgenError as err:
        print(f"diffgen: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
