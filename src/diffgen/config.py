"""Config validation with one-line errors that name the offending key.

The JSON schema (``workflow/schemas/config.schema.yaml``) checks types, ranges
and unknown keys; :func:`check_consistency` checks what a schema cannot
express (sizes used by figures exist, splits fit in the pool, ...).
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml

from . import dataset
from .errors import ConfigError, DiffgenError


def _key_path(error: jsonschema.ValidationError) -> str:
    parts = []
    for part in error.absolute_path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "(top level)"


def _describe(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        where = _key_path(error)
        prefix = "" if where == "(top level)" else where + "."
        known = ", ".join(sorted(error.schema.get("properties", {})))
        return f"unknown config key '{prefix}{extra[0]}' (known here: {known})"
    message = error.message.split("\n")[0]
    return f"config key '{_key_path(error)}': {message}"


def load_schema(path: str | Path) -> dict:
    with open(path) as handle:
        return yaml.safe_load(handle)


def check_schema(config: dict, schema: dict) -> None:
    """Raise a ConfigError describing the first schema violation on one line."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigError(_describe(jsonschema.exceptions.best_match(errors)))


def check_consistency(config: dict) -> None:
    """Cross-key checks on a config whose defaults are filled in."""
    grammar, training, figures = config["grammar"], config["training"], config["figures"]
    if grammar["q_eff"] > grammar["q"]:
        raise ConfigError(
            f"config key 'grammar.q_eff': {grammar['q_eff']} exceeds q={grammar['q']}"
        )
    model = config["model"]
    if model["d_model"] % model["heads"]:
        raise ConfigError(
            f"config key 'model.heads': {model['heads']} does not divide d_model={model['d_model']}"
        )
    sizes = [run["n"] for run in training["runs"]]
    if len(set(sizes)) != len(sizes):
        raise ConfigError("config key 'training.runs': each size n may appear only once")
    pairs = config["sample_split"]["pairs"]
    if 2 * pairs > training["seeds"]:
        raise ConfigError(
            f"config key 'sample_split.pairs': {pairs} disjoint pairs need "
            f"{2 * pairs} seeds but training.seeds is {training['seeds']}"
        )
    for name, fig in figures.items():
        for n in fig.get("sizes", []):
            if n not in sizes:
                raise ConfigError(
                    f"config key 'figures.{name}.sizes': size {n} has no entry in training.runs"
                )
        if fig.get("seeds", 0) > training["seeds"]:
            raise ConfigError(
                f"config key 'figures.{name}.seeds': {fig['seeds']} exceeds "
                f"training.seeds={training['seeds']}"
            )
        for k in fig.get("ks", []):
            if k > grammar["l"]:
                raise ConfigError(f"config key 'figures.{name}.ks': k={k} exceeds grammar.l")
    _check_training_pool(config["data"], training["seeds"], max(sizes))
    test_needs = {
        "figures.fig4a.n_samples": figures["fig4a"]["n_samples"],
        "figures.fig1b.n_sequences": figures["fig1b"]["n_sequences"],
        "figures.fig3b.n_sequences": figures["fig3b"]["n_sequences"],
        "figures.fig4b.n_sequences": figures["fig4b"]["n_sequences"],
        "figures.fig5.n_sequences": figures["fig5"]["n_sequences"],
        "evaluation.loss_sequences": config["evaluation"]["loss_sequences"],
    }
    for key, value in test_needs.items():
        if value > config["data"]["n_test"]:
            raise ConfigError(
                f"config key '{key}': {value} held-out sequences requested but "
                f"data.n_test is {config['data']['n_test']}"
            )
    if figures["figA11"]["empirical_size"] > min(figures["figA11"]["sizes"]):
        raise ConfigError(
            "config key 'figures.figA11.empirical_size': larger than the training set"
        )


def _check_training_pool(data: dict, seeds: int, largest: int) -> None:
    """``seeds`` disjoint splits of the largest size fit in the training pool.

    With ``data.import_path`` the pool is the imported file less ``n_test``: the
    file is read here, so a short or missing file fails at parse time, naming the key.
    """
    need = seeds * largest
    if data["import_path"]:
        key = "data.import_path"
        try:
            available = dataset.reference_size(data["import_path"]) - data["n_test"]
        except DiffgenError as err:
            raise ConfigError(f"config key '{key}': {err}") from None
        where = f"{data['import_path']} holds {available} after the {data['n_test']} test ones"
    else:
        key, available = "data.n_sequences", data["n_sequences"]
        where = f"the pool has {available}"
    if need > available:
        raise ConfigError(
            f"config key '{key}': {seeds} disjoint splits of the largest size need "
            f"{need} training sequences, {where}"
        )
