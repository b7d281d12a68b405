"""Cross-key setting checks shared by the config checks and the job specs.

A schema checks one value at a time; these check what only several values
together can rule out. Each takes the values and a ``name`` function that turns
a key into how the caller names it (``config key 'biased.diffusion.T'`` at
parse time, ``--spec key 'T'`` in a hand-run job), so the workflow and the job
refuse the same settings with the same words.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from diffgen.core.errors import ConfigError

#: Above this many steps a schedule is surely a typo (and its tables would not fit in memory).
MAX_STEPS = 1_000_000

#: Most bytes one job may hold a data set in: more is refused at parse time, with the estimate.
MAX_DATA_BYTES = 64 * 2**30

Name = Callable[[str], str]


def config_key(section: str) -> Name:
    """Keys of the config section ``section`` ('biased.diffusion')."""
    return lambda key: f"config key '{section}.{key}'"


def spec_key(prefix: str = "") -> Name:
    """Keys of a job's ``--spec`` (below ``prefix``, e.g. 'diffusion.')."""
    return lambda key: f"--spec key '{prefix}{key}'"


def fail(name: Name, key: str, message: str) -> None:
    raise ConfigError(f"{name(key)}: {message}")


def check_linear_schedule(diffusion: dict, name: Name, rescale: bool = True) -> None:
    """T, beta_start, beta_end of a linear beta schedule (rescaled by 1000/T when ``rescale``)."""
    T, start, end = diffusion["T"], diffusion["beta_start"], diffusion["beta_end"]
    if T > MAX_STEPS:
        fail(name, "T", f"{T} steps is more than {MAX_STEPS:,}")
    if end < start:
        fail(name, "beta_end", f"{end} is below beta_start={start}")
    if end >= 1:
        fail(name, "beta_end", f"{end} must be below 1")
    scale = 1000.0 / T if rescale else 1.0
    if end * scale >= 1:
        fail(
            name,
            "T",
            f"with T={T} the rescaled beta_end*1000/T = {end * scale:.3g} reaches 1 "
            "(raise T or lower beta_end)",
        )


def check_fits(need: int, what: str, name: Name, key: str) -> None:
    """``what`` (e.g. '10 strings of v8n8m3s2L3') fits in :data:`MAX_DATA_BYTES` of memory."""
    if need > MAX_DATA_BYTES:
        fail(name, key, f"{what} need about {need:.2g} bytes ({need / 2**30:,.0f} GiB) in "
             f"memory, more than {MAX_DATA_BYTES / 2**30:.0f} GiB")  # fmt: skip


def check_steps_within(steps: list[int], T: int, name: Name, key: str, below: bool = False) -> None:
    """Every diffusion step of ``steps`` is at most T (``below``: under T, for steps k = t − 1)."""
    for step in steps:
        if step > T or (below and step == T):
            relation = "is not below" if below else "exceeds"
            fail(name, key, f"step {step} {relation} diffusion.T={T}")


def check_checkpoint_list(checkpoints: list[int], total: int, name: Name, unit: str) -> None:
    """A training run's checkpoints: at least one, strictly ascending, each in 1..total."""
    if not checkpoints:
        fail(name, "checkpoints", f"no checkpoint: the run would write no {unit}")
    for before, after in itertools.pairwise(checkpoints):
        if after <= before:
            fail(name, "checkpoints", f"{unit} {after} after {before}: not strictly ascending")
    bad = [c for c in checkpoints if not 1 <= c <= total]
    if bad:
        fail(name, "checkpoints", f"{unit} {bad[0]} is outside 1..{total}")


# -- the same checks as rules of a job's --spec (see diffgen.core.specs.Spec) ----------------


def _piece(spec: dict, path: str) -> tuple[dict, Name]:
    return (spec[path], spec_key(f"{path}.")) if path else (spec, spec_key())


def schedule_rule(path: str = "diffusion", rescale: bool = True):
    """The spec's linear schedule (at ``path``; '' for top-level T, beta_start, beta_end)."""

    def rule(spec: dict) -> None:
        diffusion, name = _piece(spec, path)
        check_linear_schedule(diffusion, name, rescale)

    return rule


def steps_rule(key: str, below: bool = False):
    """The spec's steps ``key`` lie within its ``diffusion.T``."""

    def rule(spec: dict) -> None:
        check_steps_within(spec[key], spec["diffusion"]["T"], spec_key(), key, below)

    return rule


def checkpoints_rule(total: str, unit: str):
    """The spec's ``checkpoints`` are a training run's checkpoints of ``total`` {unit}s."""

    def rule(spec: dict) -> None:
        check_checkpoint_list(spec["checkpoints"], spec[total], spec_key(), unit)

    return rule
