"""Typed job specs: the JSON ``--spec`` of every job, checked against its definition.

A job module declares what its spec holds, e.g.::

    SPEC = Spec({"n": int, "t_fractions": [Fraction], "trajectory": Choice("model", "bp"),
                 "diffusion": {"T": int, "beta_start": float}})

and a malformed spec (not JSON, not an object, a missing, unknown or mistyped
key) is one line naming the key, before the job touches anything. Cross-key
rules (a schedule that is possible, steps within T, checkpoints in order) are
the spec's ``checks``: functions of :mod:`diffgen.core.checks` that the config
checks call too, so a hand-run job refuses what the workflow refuses.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from .errors import ConfigError


@dataclass(frozen=True)
class Choice:
    """One of the given literal values."""

    values: tuple

    def __init__(self, *values) -> None:
        object.__setattr__(self, "values", values)


@dataclass(frozen=True)
class Optional:
    """The inner type, or null."""

    inner: object


@dataclass(frozen=True)
class Range:
    """A number (``kind`` int or float) within [low, high] (None: unbounded)."""

    kind: type
    low: float | None = None
    high: float | None = None


#: Common ranges.
Count = Range(int, 1)
Index = Range(int, 0)
Fraction = Range(float, 0.0, 1.0)
Positive = Range(float, 0.0)

#: Any JSON value (e.g. a provenance record passed through).
Any = object()


def _type_name(kind) -> str:
    names = {int: "an integer", float: "a number", bool: "true or false", str: "a string"}
    if kind in names:
        return names[kind]
    if isinstance(kind, Range):
        bounds = []
        if kind.low is not None:
            bounds.append(f">= {kind.low}")
        if kind.high is not None:
            bounds.append(f"<= {kind.high}")
        return f"{_type_name(kind.kind)}" + (f" {' and '.join(bounds)}" if bounds else "")
    if isinstance(kind, Choice):
        return "one of " + ", ".join(json.dumps(v) for v in kind.values)
    if isinstance(kind, list):
        return f"a list of {_type_name(kind[0])}"
    if isinstance(kind, dict):
        return "an object"
    if isinstance(kind, Optional):
        return f"{_type_name(kind.inner)} or null"
    return "a value"


def _where(path: str) -> str:
    return f"--spec key '{path}'" if path else "--spec"


def _fail(path: str, kind, value) -> None:
    shown = json.dumps(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    raise ConfigError(f"{_where(path)}: expected {_type_name(kind)}, got {shown}")


def check(value, kind, path: str = ""):
    """``value`` checked against ``kind`` (ints accepted as floats), or a ConfigError.

    ``path`` is the key path inside the spec ('diffusion.T', 'ks[2]'), for messages.
    """
    if kind is Any:
        return value
    if isinstance(kind, Optional):
        return None if value is None else check(value, kind.inner, path)
    if kind in (int, float, bool, str):
        ok = {
            bool: isinstance(value, bool),
            int: isinstance(value, int) and not isinstance(value, bool),
            float: isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value),
            str: isinstance(value, str),
        }[kind]
        if not ok:
            _fail(path, kind, value)
        return float(value) if kind is float else value
    if isinstance(kind, Range):
        number = check(value, kind.kind, path)
        if (kind.low is not None and number < kind.low) or (
            kind.high is not None and number > kind.high
        ):
            _fail(path, kind, value)
        return number
    if isinstance(kind, Choice):
        if value not in kind.values:
            _fail(path, kind, value)
        return value
    if isinstance(kind, list):
        if not isinstance(value, list):
            _fail(path, kind, value)
        return [check(item, kind[0], f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(kind, dict):
        return check_object(value, kind, path)
    raise TypeError(f"unknown spec type {kind!r}")


def check_object(value, fields: dict, path: str = "") -> dict:
    """A JSON object with exactly ``fields`` (keys ending in '?' are optional)."""
    if not isinstance(value, dict):
        _fail(path, fields, value)
    prefix = f"{path}." if path else ""
    known = {k.rstrip("?"): k for k in fields}
    missing = sorted(k for k in fields if not k.endswith("?") and k not in value)
    if missing:
        raise ConfigError(f"--spec lacks key '{prefix}{missing[0]}'")
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise ConfigError(
            f"--spec key '{prefix}{unknown[0]}' is unknown (known: {', '.join(sorted(known))})"
        )
    return {key: check(item, fields[known[key]], prefix + key) for key, item in value.items()}


class Spec:
    """The definition of one job kind's ``--spec``: its fields, then its cross-key checks.

    Each check is called with the parsed spec and raises a ConfigError naming
    the ``--spec`` key (see :mod:`diffgen.core.checks`).
    """

    def __init__(self, fields: dict, *checks) -> None:
        self.fields = fields
        self.checks = checks

    def parse(self, text: str) -> dict:
        """Parse and check the JSON text of ``--spec``."""
        try:
            value = json.loads(text)
        except json.JSONDecodeError as err:
            raise ConfigError(f"--spec is not valid JSON ({err})") from None
        if not isinstance(value, dict):
            raise ConfigError("--spec must be a JSON object")
        spec = check_object(value, self.fields)
        for rule in self.checks:
            rule(spec)
        return spec

    def describe(self) -> str:
        """The keys, for --help."""
        return ", ".join(k.rstrip("?") for k in self.fields)
