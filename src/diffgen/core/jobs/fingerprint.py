"""Show a job kind's code fingerprint and the modules behind it.

``--root`` names the ``diffgen`` source directory to hash (a checkout's
``src/diffgen``, as the workflow's ``code()`` does); the default is the
installed package.
"""

from __future__ import annotations

import argparse

from diffgen.core.errors import ConfigError
from diffgen.core.fingerprint import PACKAGE, closure, code_fingerprint, package_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("modules", nargs="+", help="entry modules, e.g. diffgen.biased.jobs.train")
    parser.add_argument("--exclude", nargs="*", default=[], help="modules left out")
    parser.add_argument(
        "--root",
        default=None,
        help="diffgen source directory to hash, e.g. path/to/checkout/src/diffgen "
        "(default: the installed package)",
    )


def run(args: argparse.Namespace) -> None:
    exclude = tuple(args.exclude)
    root = package_root(args.root)
    if not (root / "__init__.py").is_file():
        raise ConfigError(f"--root {root}: not a {PACKAGE} package directory")
    try:
        print(code_fingerprint(*args.modules, exclude=exclude, root=root))
        for name in closure(args.modules, exclude, root):
            print(f"  {name}")
    except ValueError as err:
        raise ConfigError(str(err)) from None
