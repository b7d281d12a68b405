"""Pieces of study 5's job specs that several job kinds share (typed, see core.specs).

Each piece's cross-key check is here too; the config checks (:mod:`diffgen.rhm.config`)
call the same functions, so a hand-run job refuses what the workflow refuses.
"""

from __future__ import annotations

from diffgen.core.checks import Name, check_fits, fail, spec_key
from diffgen.core.specs import Count, Index, Positive
from diffgen.rhm.rules import Shape

GRAMMAR = {"v": Count, "n": Count, "m": Count, "s": Count, "L": Count}
DIFFUSION = {"T": Count, "beta1": Positive, "beta2": Positive}
NETWORK = {"v": Count, "s": Count, "d": Count, "width": Count, "depth": Count, "T": Count}
#: One trained model: grammar name, training-set size, seed.
RUN = {"grammar": str, "P": Count, "seed": Index}

#: Largest v^s the parser's int64 tuple codes hold.
MAX_TUPLES = 2**62
#: Most leaves per string (s^L): beyond, one string's tree is already absurd for the network.
MAX_LEAVES = 2**16


def check_shape(shape: Shape, name: Name) -> None:
    """A grammar that fits its leaves and tuples (cheap: its string count is never computed)."""
    if shape.d > MAX_LEAVES:
        fail(name, "L", f"s^L = {shape.s}^{shape.L} = {shape.d:,} leaves per string is more "
             f"than {MAX_LEAVES:,}")  # fmt: skip
    tuples = shape.v**shape.s
    if tuples > MAX_TUPLES:
        fail(name, "s", f"v^s = {shape.v}^{shape.s} tuples is more than 2^62")
    if shape.n * shape.m > tuples:
        fail(name, "m", f"n·m = {shape.n * shape.m} root productions need distinct "
             f"{shape.s}-tuples, but v^s = {tuples} exist")  # fmt: skip
    if shape.L > 1 and shape.v * shape.m > tuples:
        fail(name, "m", f"v·m = {shape.v * shape.m} productions per level need distinct "
             f"{shape.s}-tuples, but v^s = {tuples} exist")  # fmt: skip


def string_bytes(shape: Shape, count: int) -> int:
    """Bytes of ``count`` strings with their trees (int64, every level) and indices."""
    return count * (shape.nodes + 1) * 8


def check_string_count(shape: Shape, count: int, name: Name, key: str) -> None:
    """``count`` strings of ``shape`` fit in memory (the estimate if not)."""
    check_fits(string_bytes(shape, count), f"{count:,} strings of {shape.name()}", name, key)


def strings_rule(count: str, extra: str = ""):
    """The spec's ``grammar`` piece can exist, and ``count`` (+ ``extra``) of its strings fit."""

    def rule(spec: dict) -> None:
        shape = Shape(**spec["grammar"])
        check_shape(shape, spec_key("grammar."))
        total = spec[count] + (spec[extra] if extra else 0)
        check_string_count(shape, total, spec_key(), count)

    return rule


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
