"""Fixed noisy evaluation data, and the denoising (DSM) cross-entropy of a checkpoint on it.

The noise steps t and the Gaussian noise are drawn from a seed and are the same
for every checkpoint and every model, so curves over training are not noisy in t
and models are compared on the same x_t. At a fixed step t the noise is drawn
independently for every t (its own seeded stream), as the reference noises
held-out data afresh at each t; ``reps`` noise repetitions of every sequence are
stacked as the reference does (row r*N + i is repetition r of sequence i).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from diffgen.core.denoisers import Denoiser
from diffgen.core.diffusion.gaussian import Schedule, noise
from diffgen.core.seeding import EVALUATION_STEP, seeded_noise


def evaluation_step(t: int | None) -> int:
    """The seeded-noise stream of the evaluation noise at step t (None: random t per row)."""
    return EVALUATION_STEP if t is None else EVALUATION_STEP - t


def fixed_noisy_batch(
    tokens: np.ndarray,
    q: int,
    schedule: Schedule,
    seed: int,
    t: int | None = None,
    reps: int = 1,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(x0 one-hot, t per row, x_t) with t ~ U{1..T} (or fixed) and noise from ``seed``.

    ``reps`` stacks that many noise repetitions of the sequences (reps*N rows).
    """
    tokens = np.tile(np.asarray(tokens), (reps, 1))
    x0 = F.one_hot(torch.as_tensor(tokens, dtype=torch.long), q).float()
    n = x0.shape[0]
    if t is None:
        steps = np.random.default_rng([seed, 2]).integers(1, schedule.T + 1, n)
        t_vec = torch.as_tensor(steps, dtype=torch.long)
    else:
        t_vec = torch.full((n,), t, dtype=torch.long)
    eps = seeded_noise(seed, evaluation_step(t), 0, n, tuple(x0.shape[1:]))
    return x0, t_vec, noise(x0, t_vec, schedule, eps).float()


@torch.no_grad()
def mean_cross_entropy(
    denoiser: Denoiser,
    x0: torch.Tensor,
    t: torch.Tensor,
    x_t: torch.Tensor,
    batch_size: int = 8192,
) -> float:
    """Token-averaged cross-entropy -log p(x0 | x_t) of the denoiser."""
    total, count = 0.0, 0
    for rows in torch.split(torch.arange(x0.shape[0]), batch_size):
        device = getattr(denoiser, "device", torch.device("cpu"))
        log_p = denoiser.log_probs(x_t[rows].to(device), t[rows].to(device)).cpu()
        total += float(-(log_p * x0[rows]).sum())
        count += int(x0[rows].shape[0] * x0.shape[1])
    return total / count
