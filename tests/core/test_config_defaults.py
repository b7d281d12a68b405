"""config.yaml states choices, the schemas own defaults: no line of config.yaml restates one.

A value equal to its schema default is a second copy of the paper's setting; a
change to the schema would then silently not take effect. The check walks
config.yaml beside the shared schema (the top level) and each study's schema.
"""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT

from diffgen.core.config import load_schema

STUDIES = sorted(path.parent.name for path in (ROOT / "workflow" / "studies").glob("*/schema.yaml"))
TOP_LEVEL = "(top level)"


def restated_defaults(value: dict, schema: dict, where: str) -> list[str]:
    """Keys of ``value`` whose value equals the schema's default for them."""
    found = []
    for key, sub_value in value.items():
        sub_schema = (schema.get("properties") or {}).get(key)
        if not isinstance(sub_schema, dict):
            continue  # an unknown key: validation's business
        path = f"{where}.{key}" if where else key
        if "default" in sub_schema and sub_value == sub_schema["default"]:
            found.append(f"{path}: {sub_value!r}")
        elif isinstance(sub_value, dict):
            found += restated_defaults(sub_value, sub_schema, path)
    return found


def config_and_schema(section: str) -> tuple[dict, dict]:
    config = yaml.safe_load((ROOT / "config.yaml").read_text()) or {}
    if section == TOP_LEVEL:
        shared = {key: value for key, value in config.items() if key not in STUDIES}
        return shared, load_schema(ROOT / "workflow" / "schemas" / "config.schema.yaml")
    schema = load_schema(ROOT / "workflow" / "studies" / section / "schema.yaml")
    return config.get(section) or {}, schema


def test_the_check_finds_a_restated_default_at_any_depth():
    schema = {
        "properties": {
            "device": {"default": "auto"},
            "threads": {"default": {}, "properties": {"gpu_job": {"default": 4}}},
        }
    }
    config = {"device": "auto", "threads": {"gpu_job": 4}}
    assert restated_defaults(config, schema, "") == ["device: 'auto'", "threads.gpu_job: 4"]
    assert restated_defaults({"device": "cpu", "threads": {"gpu_job": 8}}, schema, "") == []


@pytest.mark.parametrize("section", [TOP_LEVEL, *STUDIES])
def test_config_yaml_states_no_schema_default(section):
    config, schema = config_and_schema(section)
    restated = restated_defaults(config, schema, "" if section == TOP_LEVEL else section)
    assert not restated, "config.yaml restates schema defaults (drop them):\n" + "\n".join(restated)
