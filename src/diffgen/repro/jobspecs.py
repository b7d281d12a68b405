"""Spec pieces shared by study 3's job kinds."""

from __future__ import annotations

from diffgen.core.specs import Choice, Count, Index, Optional, Positive, Range

DATASET = Choice("molrg", "digits", "images")
MOLRG = {"r": Count, "K": Count, "d": Count, "basis_seed": Index, "seed": Index}
NETWORK = {"arch": Choice("mlp", "ddpmpp"), "shape": [Count], "width": Count,
           "precond": Choice("edm", "vp")}  # fmt: skip
LOSS = {"p_mean": float, "p_std": Positive, "uniform_fraction": Range(float, 0.0, 1.0),
        "sigma_lo": Positive, "sigma_hi": Positive, "epsilon_t": Positive}  # fmt: skip
SAMPLER = {"solver": Choice("heun", "euler"), "steps": Count, "sigma_min": Positive,
           "sigma_max": Positive, "rho": Positive}  # fmt: skip
OPTIONAL_PATH = Optional(str)
