"""Forward–backward runs: noise the start strings to t, come back with BP or a model.

Both use the same x_t (fix-noise, the run's seed), so BP and the model are
compared on identical noisy strings. Output rows: per (t, level) the keep
fraction; per (t, r) C(r), with the susceptibility χ(t) on each of them.
"""

from __future__ import annotations

import numpy as np
import torch

from diffgen.core.diffusion.d3pm import UniformSchedule
from diffgen.core.seeding import seeded_uniform
from diffgen.rhm.fluctuations import bootstrap_se, correlations, susceptibility

#: Posterior-sampling uniforms use steps 2(T+1) + t, beyond forward noise's T + 1 + t.
POSTERIOR_BLOCK = 2


def posterior_uniforms(
    seed: int, schedule: UniformSchedule, t: int, start: int, stop: int, choices: int
) -> torch.Tensor:
    """Uniforms of the exact posterior samples at t, rows [start, stop)."""
    step = POSTERIOR_BLOCK * (schedule.T + 1) + t
    return seeded_uniform(seed, step, start, stop, (choices,)).double()


def epsilon(schedule: UniformSchedule, t: int) -> float:
    """ε = 1 − ᾱ_t, the share of resampled tokens."""
    return float(1.0 - schedule.alpha_bar(t))


def rows_at(base: dict, t: int, eps: float, keep: np.ndarray, delta: np.ndarray, seed: int):
    """(keep rows, fluctuation rows) at t from keep (N, L+1) per string and δ (N, d).

    χ and C(r) carry their bootstrap s.e. over strings (resamples from [seed, t]).
    """
    keep_rows = [
        {**base, "t": t, "eps": eps, "level": level, "keep": float(keep[:, level].mean()),
         "keep_se": float(keep[:, level].std(ddof=1) / np.sqrt(len(keep)))}
        for level in range(keep.shape[1])
    ]  # fmt: skip
    chi = susceptibility(delta)
    chi_se, corr_se = bootstrap_se(delta, [seed, t])
    pairs = enumerate(zip(correlations(delta), corr_se, strict=True))
    fluct_rows = [{**base, "t": t, "eps": eps, "r": r, "chi": chi, "chi_se": chi_se,
                   "corr": float(c), "corr_se": float(se)} for r, (c, se) in pairs]  # fmt: skip
    return keep_rows, fluct_rows
