"""What a checkpoint is measured by: windowed KL losses, copies and new valid strings.

Losses per time window: 10 windows [w·T/10, (w+1)·T/10) (t ≥ 1: the reference
lets t = 0 wrap around to ᾱ_T), one t and one x_t per string and window, from
fixed uniforms (the same for every checkpoint). The loss of a set is the mean
over its windows.

Copies: the share of samples equal to a training string; new-valid: samples
that are valid at every level and no copy.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from diffgen.core.denoisers import Denoiser
from diffgen.core.diffusion.d3pm import UniformSchedule, kl_loss, noise_tokens
from diffgen.core.seeding import EVALUATION_STEP, seeded_uniform

WINDOWS = 10


def window_bounds(T: int, w: int) -> tuple[int, int]:
    """[lo, hi) of window w: t ∈ [w·T/10, (w+1)·T/10), t ≥ 1."""
    lo = max(1, w * T // WINDOWS)
    return lo, max(lo + 1, (w + 1) * T // WINDOWS)


def _window_step(w: int, which: str) -> int:
    """Reserved noise step of window w for the train or test set (never a sampler step)."""
    return EVALUATION_STEP - w - (WINDOWS if which == "train" else 0)


@torch.no_grad()
def window_losses(
    denoiser: Denoiser,
    leaves: torch.Tensor,
    schedule: UniformSchedule,
    v: int,
    seed: int,
    which: str,
    batch_size: int,
    device: torch.device,
) -> list[float]:
    """Mean KL loss of ``leaves`` (N, d) in each of the 10 time windows."""
    n, d = leaves.shape
    device_schedule = schedule.to(device, torch.float32)
    out = []
    for w in range(WINDOWS):
        lo, hi = window_bounds(schedule.T, w)
        total = 0.0
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            u = seeded_uniform(seed, _window_step(w, which), start, stop, (d + 1,)).double()
            t = (lo + (u[:, 0] * (hi - lo)).long()).clamp_(max=hi - 1)
            x0 = leaves[start:stop]
            x_t = noise_tokens(x0, schedule.alpha_bar(t), v, u[:, 1:])
            x_t, t, x0 = x_t.to(device), t.to(device), x0.to(device)
            x_t1 = F.one_hot(x_t, v).float()
            y = denoiser.log_probs(x_t1, t).exp()
            loss = kl_loss(x_t1, t, F.one_hot(x0, v).float(), y, device_schedule, reduce=False)
            total += float(loss.double().sum())
        out.append(total / n)
    return out


def _row_keys(tokens: np.ndarray) -> np.ndarray:
    """One comparable key per row (exact row equality)."""
    tokens = np.ascontiguousarray(tokens.astype(np.int64))
    return tokens.view(np.dtype((np.void, tokens.dtype.itemsize * tokens.shape[1]))).ravel()


def copies(samples: np.ndarray, train: np.ndarray) -> np.ndarray:
    """(N,) bool: each sample equals some training string."""
    return np.isin(_row_keys(samples), _row_keys(train))
