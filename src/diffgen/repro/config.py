"""Cross-key checks of the ``repro`` config section (what its schema cannot express)."""

from __future__ import annotations

from diffgen.core.errors import ConfigError
from diffgen.repro.plan import Plan

SECTION = "repro"


def _fail(key: str, message: str) -> None:
    raise ConfigError(f"config key '{SECTION}.{key}': {message}")


def check_consistency(config: dict) -> None:
    plan = Plan(config)
    m = config["molrg"]
    if m["K"] * m["d"] > 3 * m["r"] ** 2:
        _fail("molrg.d", f"K·d = {m['K'] * m['d']} exceeds n = 3r² = {3 * m['r'] ** 2}")
    if plan.main_dataset() == "images" and not config["images_path"]:
        _fail("images_path", "the images dataset needs a folder or zip of 32x32 images")
    for dataset, N in plan.datasets():
        if dataset == "molrg" and N % m["K"]:
            _fail("figures", f"MoLRG set size {N} is not a multiple of K = {m['K']}")
        if dataset == "digits" and N + config["held_out"] > 1797:
            _fail("figures", f"digits: N = {N} plus held_out exceeds the 1797 bundled digits")
    if config["jacobian"]["draws"] > config["held_out"]:
        _fail("jacobian.draws", f"more draws than held_out = {config['held_out']} rows")
