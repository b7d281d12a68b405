"""Code fingerprints: which library code a job depends on, as one short hash.

Snakemake's code trigger sees only a rule's own shell/run/script body, not the
library it calls. Each rule therefore carries ``params: code=...``, the hash of
the normalised source of every ``diffgen`` module its job imports
(transitively, found statically from ``import`` statements). Editing a module
reruns exactly the jobs whose import closure contains it.

Which source is hashed: the ``diffgen`` package directory given as ``root``.
The workflow passes ``<workflow.basedir>/src/diffgen``, the checkout whose
library its jobs run (``shell.prefix`` puts ``<workflow.basedir>/src`` first on
their PYTHONPATH), so a copy of the workflow elsewhere fingerprints its own
code, not that of the installed package. Without ``root`` (or when the checkout
has no ``src/diffgen``) the installed package next to this file is hashed.

Normalisation: the hash is taken over each module's syntax tree with
docstrings removed, so comments, docstrings and formatting are not changes; any
change to code is. The tree is serialised field by field, leaving out empty
fields, so the same source gives the same hash under every supported Python
(``ast.dump`` changed its output in 3.13). Module names, not file paths, enter
the hash: identical code in two checkouts has the same fingerprint, which keeps
Snakemake's between-workflow output cache (its hash includes params) shared.

What counts as imported: ``import diffgen.x``, ``from diffgen.x import y`` and
relative imports, anywhere in a module (function-level imports too). A package
``__init__`` counts only where it is imported itself (``from diffgen.metrics
import f``, not ``from diffgen.metrics import nearest``), and ``importlib``
imports are not seen; ``exclude`` drops modules (and what only they import).

The root package ``diffgen`` (its ``__init__``: the version and nothing else)
is never part of a fingerprint: releasing a new version reruns nothing.
"""

from __future__ import annotations

import ast
import hashlib
from functools import cache
from pathlib import Path

PACKAGE = "diffgen"
#: The installed package: the default root.
INSTALLED = Path(__file__).resolve().parents[1]


def package_root(root: str | Path | None = None) -> Path:
    """The ``diffgen`` source directory to read: ``root``, else the installed package."""
    return INSTALLED if root is None else Path(root).resolve()


def module_path(name: str, root: str | Path | None = None) -> Path | None:
    """Source file of a diffgen module or package under ``root`` (None if it is not one)."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = package_root(root).joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_package(name: str, root: Path) -> bool:
    path = module_path(name, root)
    return path is not None and path.name == "__init__.py"


def _serialise(node: object) -> str:
    """A syntax tree as text, without positions and without empty fields."""
    if isinstance(node, ast.AST):
        fields = []
        for field in node._fields:
            value = getattr(node, field, None)
            if value is None or value == []:
                continue
            fields.append(f"{field}={_serialise(value)}")
        return f"{type(node).__name__}({','.join(fields)})"
    if isinstance(node, list):
        return f"[{','.join(_serialise(item) for item in node)}]"
    return repr(node)


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


@cache
def _analyse(source: str) -> tuple[str, tuple[tuple[int, str, tuple[str, ...]], ...]]:
    """(normalised source, import statements) of one module's source text.

    Import statements are (level, module, names); level -1 marks ``import a.b``.
    Cached by source text, so an edited file is never served stale.
    """
    tree = ast.parse(source)
    imports = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports.append((-1, "", tuple(alias.name for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            imports.append((node.level, node.module or "", names))
    return _serialise(_strip_docstrings(tree)), tuple(imports)


def _summary(name: str, root: Path) -> tuple[str, tuple[tuple[int, str, tuple[str, ...]], ...]]:
    path = module_path(name, root)
    if path is None:
        raise ValueError(f"{name} is not a module of the {PACKAGE} package under {root}")
    return _analyse(path.read_text())


def normalised_source(name: str, root: str | Path | None = None) -> str:
    """The syntax tree of a module without docstrings, as text."""
    return _summary(name, package_root(root))[0]


def direct_imports(name: str, root: str | Path | None = None) -> set[str]:
    """diffgen modules imported anywhere in ``name`` (function-level imports too)."""
    root = package_root(root)
    package = name if _is_package(name, root) else name.rpartition(".")[0]
    found: set[str] = set()
    for level, module, names in _summary(name, root)[1]:
        if level == -1:
            found.update(names)
            continue
        if level:
            base_parts = package.split(".")
            base_parts = base_parts[: len(base_parts) - (level - 1)]
            base = ".".join(base_parts + ([module] if module else []))
        else:
            base = module
        for alias in names:
            child = f"{base}.{alias}"
            found.add(child if module_path(child, root) else base)
    return {m for m in found if module_path(m, root) is not None}


def closure(
    roots: list[str], exclude: tuple[str, ...] = (), root: str | Path | None = None
) -> list[str]:
    """Every diffgen module reachable from ``roots``, minus ``exclude`` (sorted)."""
    root = package_root(root)
    exclude = (*exclude, PACKAGE)
    seen: set[str] = set()
    stack = [r for r in roots if r not in exclude]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        if module_path(name, root) is None:
            raise ValueError(f"{name} is not a module of the {PACKAGE} package under {root}")
        seen.add(name)
        stack.extend(m for m in direct_imports(name, root) if m not in seen and m not in exclude)
    return sorted(seen)


def code_fingerprint(
    *modules: str, exclude: tuple[str, ...] = (), root: str | Path | None = None
) -> str:
    """Hash of the normalised source of the import closure of ``modules`` under ``root``."""
    root = package_root(root)
    digest = hashlib.sha256()
    for name in closure(list(modules), exclude, root):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(normalised_source(name, root).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]
