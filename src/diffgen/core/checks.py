"""Cross-key config checks every study shares: the diffusion schedule is possible.

A schema checks one value at a time; these check what only several values
together can rule out, with one line naming the key, at parse time.
"""

from __future__ import annotations

from diffgen.core.errors import ConfigError

#: Above this many steps a schedule is surely a typo (and its tables would not fit in memory).
MAX_STEPS = 1_000_000


def check_linear_schedule(diffusion: dict, where: str, rescale: bool = True) -> None:
    """T, beta_start, beta_end of a linear beta schedule (rescaled by 1000/T when ``rescale``)."""
    T, start, end = diffusion["T"], diffusion["beta_start"], diffusion["beta_end"]
    if T > MAX_STEPS:
        raise ConfigError(f"config key '{where}.T': {T} steps is more than {MAX_STEPS:,}")
    if end < start:
        raise ConfigError(f"config key '{where}.beta_end': {end} is below beta_start={start}")
    if end >= 1:
        raise ConfigError(f"config key '{where}.beta_end': {end} must be below 1")
    scale = 1000.0 / T if rescale else 1.0
    if end * scale >= 1:
        raise ConfigError(
            f"config key '{where}.T': with T={T} the rescaled beta_end*1000/T = "
            f"{end * scale:.3g} reaches 1 (raise T or lower beta_end)"
        )
