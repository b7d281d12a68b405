"""Config validation with one-line errors that name the offending key.

The JSON schema (``workflow/schemas/config.schema.yaml`` and one part per study
under ``workflow/studies/<study>/schema.yaml``) checks types, ranges and
unknown keys and supplies defaults; each study's ``config`` module checks what a
schema cannot express. Command-line overrides (``--config key='{...}'``)
are read as YAML again (:func:`typed_overrides`), so every documented override
works for every type.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import jsonschema
import yaml

from diffgen.core.errors import ConfigError


def _key_path(error: jsonschema.ValidationError, prefix: str = "") -> str:
    parts = [prefix] if prefix else []
    for part in error.absolute_path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "(top level)"


def _describe(error: jsonschema.ValidationError, prefix: str = "") -> str:
    if error.validator == "additionalProperties":
        known_keys = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(known_keys))
        where = _key_path(error, prefix)
        head = "" if where == "(top level)" else where + "."
        return f"unknown config key '{head}{extra[0]}' (known here: {', '.join(known_keys)})"
    message = error.message.split("\n")[0]
    return f"config key '{_key_path(error, prefix)}': {message}"


def load_schema(path: str | Path) -> dict:
    with open(path) as handle:
        return yaml.safe_load(handle)


class _Loader(yaml.SafeLoader):
    """YAML 1.1 safe loading that also reads ``1e-4`` (no dot) as a number."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+$"),
    list("-+0123456789."),
)


def typed_overrides(entries: list[str] | None) -> dict:
    """The ``--config key=value`` arguments, each value read as YAML.

    Snakemake reads a nested value (``biased='{training: {seeds: 2}}'``) with
    YAML's base loader, which leaves every scalar a string; reading the raw
    argument again gives every value its type.
    """
    out: dict = {}
    for entry in entries or []:
        key, sep, text = entry.partition("=")
        if not sep or text == "":
            continue
        try:
            value = yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as err:
            problem = getattr(err, "problem", None) or "malformed YAML"
            raise ConfigError(f"--config {key}: {text!r} is not valid YAML ({problem})") from None
        out = merge(out, {key: value})
    return out


def merge(base: dict, override: dict) -> dict:
    """``override`` merged into ``base``: mappings merge key by key, the rest replaces."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _fill_defaults(instance: object, schema: dict) -> None:
    """Insert schema defaults for absent keys, recursively (after a successful check).

    Entries of a mapping of named sections (``additionalProperties`` an object
    schema) get the defaults of that schema too. Such a mapping given in the config
    is merged onto its default's entries, as a config file onto config.yaml: a
    user's entry adds to or changes the paper's (``rhm.runs.sweep.epochs_of``)
    without restating the others.
    """
    if not isinstance(instance, dict) or schema.get("type") != "object":
        return
    properties = schema.get("properties", {})
    for key, sub in properties.items():
        if key not in instance and "default" in sub:
            instance[key] = copy.deepcopy(sub["default"])
        elif key in instance and _named_entries(sub) and isinstance(instance[key], dict):
            instance[key] = merge(sub.get("default") or {}, instance[key])
        if key in instance:
            _fill_defaults(instance[key], sub)
            items = sub.get("items")
            if isinstance(instance[key], list) and isinstance(items, dict):
                for item in instance[key]:
                    _fill_defaults(item, items)
    # Named entries (a mapping of user-chosen names, each of one schema) take its defaults too.
    named = schema.get("additionalProperties")
    if isinstance(named, dict):
        for key, value in instance.items():
            if key not in properties:
                _fill_defaults(value, named)


def _named_entries(schema: dict) -> bool:
    """Whether ``schema`` is a mapping of user-chosen names, each of one object schema."""
    return schema.get("type") == "object" and isinstance(schema.get("additionalProperties"), dict)


def section_defaults(schema: dict, *path: str) -> dict:
    """What the schema gives an empty section at ``path`` (e.g. 'training'): its defaults.

    For code outside the workflow (benchmarks, tests) that needs a study's
    settings without restating them.
    """
    filled: dict = {}
    _fill_defaults(filled, schema)
    for key in path:
        filled = filled[key]
    return filled


def validate(config: dict, schema: dict, prefix: str = "") -> None:
    """Check ``config`` against ``schema`` (one-line ConfigError) and fill in its defaults.

    Defaults are filled first and checked with the rest, so a default is held to
    the schema too. ``prefix`` names where ``config`` sits ('rhm' for a study's section).
    """
    _fill_defaults(config, schema)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigError(_describe(jsonschema.exceptions.best_match(errors), prefix))
