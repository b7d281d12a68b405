"""Code fingerprints: which library code a job depends on, as one short hash.

Snakemake's code trigger sees only a rule's own shell/run/script body, not the
library it calls. Each rule therefore carries ``params: code=...``, the hash of
the normalised source of every ``diffgen`` module its job imports
(transitively, found statically from ``import`` statements). Editing a module
reruns exactly the jobs whose import closure contains it.

Normalisation: the hash is taken over the module's syntax tree with docstrings
removed, so comments, docstrings and formatting are not changes; any change to
code is.
"""

from __future__ import annotations

import ast
import hashlib
from functools import cache
from pathlib import Path

PACKAGE = "diffgen"
ROOT = Path(__file__).resolve().parent


def module_path(name: str) -> Path | None:
    """Source file of a diffgen module or package (None if it is not one)."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = ROOT.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_package(name: str) -> bool:
    path = module_path(name)
    return path is not None and path.name == "__init__.py"


@cache
def _parse(name: str) -> ast.Module:
    return ast.parse(module_path(name).read_text())


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return tree


def normalised_source(name: str) -> str:
    """The syntax tree of a module without docstrings, as text."""
    return ast.dump(_strip_docstrings(ast.parse(module_path(name).read_text())))


def direct_imports(name: str) -> set[str]:
    """diffgen modules imported anywhere in ``name`` (function-level imports too)."""
    package = name if _is_package(name) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(_parse(name)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if module_path(child) else base)
    return {m for m in found if module_path(m) is not None}


def closure(roots: list[str], exclude: tuple[str, ...] = ()) -> list[str]:
    """Every diffgen module reachable from ``roots``, minus ``exclude`` (sorted)."""
    seen: set[str] = set()
    stack = [r for r in roots if r not in exclude]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        if module_path(name) is None:
            raise ValueError(f"{name} is not a module of the {PACKAGE} package")
        seen.add(name)
        stack.extend(m for m in direct_imports(name) if m not in seen and m not in exclude)
    return sorted(seen)


def code_fingerprint(*roots: str, exclude: tuple[str, ...] = ()) -> str:
    """Hash of the normalised source of the import closure of ``roots``."""
    digest = hashlib.sha256()
    for name in closure(list(roots), exclude):
        digest.update(name.encode())
        digest.update(normalised_source(name).encode())
    return digest.hexdigest()[:16]
