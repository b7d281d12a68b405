"""U-turn experiments: noise a sequence to time t, denoise back, count what survives."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from diffgen.biased.sampler import noise_to, reverse_sample
from diffgen.core.denoisers import Denoiser
from diffgen.core.diffusion.gaussian import Schedule


def overlap(tokens: torch.Tensor | np.ndarray, starts: torch.Tensor | np.ndarray) -> np.ndarray:
    """Fraction of positions where each result equals its start, per row."""
    tokens, starts = np.asarray(tokens), np.asarray(starts)
    return (tokens == starts).mean(axis=-1)


def uturn_overlaps(
    denoisers: dict[str, Denoiser],
    starts: np.ndarray,
    t: int,
    schedule: Schedule,
    q: int,
    reps: int,
    seed: int,
    batch_size: int,
    device: str | torch.device = "cpu",
) -> dict[str, np.ndarray]:
    """Overlaps (reps, N) for each denoiser, all from the same noised x_t and noise path.

    The reps are stacked into one batch of reps*N rows; row-indexed seeded
    noise makes the result independent of the batch size.
    """
    n = starts.shape[0]
    tiled = np.tile(starts, (reps, 1))
    x0 = F.one_hot(torch.as_tensor(tiled, dtype=torch.long), q).float()
    x_t = noise_to(x0, t, schedule, seed)
    out = {}
    for name, denoiser in denoisers.items():
        result = reverse_sample(
            denoiser,
            x_t,
            t,
            schedule,
            mode="stochastic",
            seed=seed + 1,
            batch_size=batch_size,
            device=device,
            label=f"u-turn {name} t={t}",
        )
        out[name] = overlap(result.tokens.numpy(), tiled).reshape(reps, n)
    return out


def overlap_ratio(model: np.ndarray, bp: np.ndarray) -> np.ndarray:
    """Per sequence: mean overlap of the model over reps / that of BP (NaN where BP is 0)."""
    model_mean, bp_mean = model.mean(axis=0), bp.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bp_mean > 0, model_mean / bp_mean, np.nan)
