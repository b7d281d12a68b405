"""Pieces of study 5's job specs that several job kinds share (typed, see core.specs).

Each piece's cross-key check is here too; the config checks (:mod:`diffgen.rhm.config`)
call the same functions, so a hand-run job refuses what the workflow refuses.
"""

from __future__ import annotations

from diffgen.core.checks import Name, fail, spec_key
from diffgen.core.specs import Count, Index, Positive

GRAMMAR = {"v": Count, "n": Count, "m": Count, "s": Count, "L": Count}
DIFFUSION = {"T": Count, "beta1": Positive, "beta2": Positive}
NETWORK = {"v": Count, "s": Count, "d": Count, "width": Count, "depth": Count, "T": Count}
#: One trained model: grammar name, training-set size, seed.
RUN = {"grammar": str, "P": Count, "seed": Index}


def check_schedule(diffusion: dict, name: Name) -> None:
    """beta1 <= beta2 < 1: the linear schedule from beta1 to beta2 is possible."""
    beta1, beta2 = diffusion["beta1"], diffusion["beta2"]
    if beta2 < beta1:
        fail(name, "beta2", f"{beta2} is below beta1={beta1}")
    if beta2 >= 1:
        fail(name, "beta2", f"{beta2} must be below 1")


def schedule_rule(spec: dict) -> None:
    """The check of every spec with a ``diffusion`` piece."""
    check_schedule(spec["diffusion"], spec_key("diffusion."))
