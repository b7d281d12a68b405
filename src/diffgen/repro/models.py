"""Names of the models a figure compares: trained nets and the two optimal denoisers.

A trained net is ``<arch><width>-<precond>-seed<seed>`` (``mlp256-edm-seed0``);
``dn`` is the empirical optimal denoiser of the training set, ``dstar`` the
MoLRG optimal denoiser. Tables carry these names; builders parse them.
"""

from __future__ import annotations

import re

OPTIMAL = ("dn", "dstar")
_NET = re.compile(r"^(?P<arch>mlp|ddpmpp)(?P<width>\d+)-(?P<precond>edm|vp)-seed(?P<seed>\d+)$")
PATTERN = r"(mlp|ddpmpp)\d+-(edm|vp)-seed\d+|dn|dstar"


def net_name(arch: str, width: int, precond: str, seed: int) -> str:
    return f"{arch}{width}-{precond}-seed{seed}"


def parse(name: str) -> dict | None:
    """{arch, width, precond, seed} of a net's name; None for ``dn`` / ``dstar``."""
    match = _NET.match(name)
    if match is None:
        if name in OPTIMAL:
            return None
        raise ValueError(f"'{name}' is not a model name of study 3")
    parts = match.groupdict()
    return {**parts, "width": int(parts["width"]), "seed": int(parts["seed"])}
