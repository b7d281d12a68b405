"""The ε-prediction loss of a model over every step, on fixed images and fixed noise.

For a set of M images and every step k in 0..T−1 (k = 0 included although
training never draws it), image j is noised with noise row j of step
``LOSS_BASE − k`` of the evaluation seed, the same for every model, checkpoint
and image set. The per-image MSE of ε̂ against ε, averaged over pixels, gives
M·T values; the loss is their mean and its standard error.

With the same noise at every checkpoint, differences between checkpoints are
not blurred by resampled noise, and test and train losses use the same draws.
"""

from __future__ import annotations

import numpy as np
import torch

from diffgen.core.seeding import seeded_noise
from diffgen.images.ddpm import LOSS_BASE, EpsDDPM, EpsFunction


class EvaluationNoise:
    """ε of rows [0, count) at every step k, drawn once and reused (CPU, float32)."""

    def __init__(self, seed: int, count: int, shape: tuple[int, ...], T: int) -> None:
        self.seed, self.count, self.shape, self.T = seed, count, tuple(shape), T
        self.noise = torch.stack(
            [seeded_noise(seed, LOSS_BASE - k, 0, count, shape) for k in range(T)]
        )

    def at(self, k: int) -> torch.Tensor:
        return self.noise[k]


@torch.no_grad()
def per_image_losses(
    eps_fn: EpsFunction,
    images: torch.Tensor,
    ddpm: EpsDDPM,
    noise: EvaluationNoise,
    batch_size: int = 4096,
    device: str | torch.device = "cpu",
) -> np.ndarray:
    """(T, M) per-image MSEs of ε̂ for every step k and image j (float64).

    Rows of several steps share a device batch, so small image sets still fill it.
    """
    device = torch.device(device)
    m = images.shape[0]
    if m > noise.count or tuple(images.shape[1:]) != noise.shape or noise.T != ddpm.T:
        raise ValueError("the evaluation noise does not match the images or the diffusion")
    x0 = images.to(device, torch.float32)
    steps_per_batch = max(1, batch_size // m)
    out = np.empty((ddpm.T, m), dtype=np.float64)
    for first in range(0, ddpm.T, steps_per_batch):
        ks = list(range(first, min(first + steps_per_batch, ddpm.T)))
        k_rows = torch.tensor(ks, dtype=torch.long).repeat_interleave(m).to(device)
        eps = torch.cat([noise.at(k)[:m] for k in ks]).to(device)
        x_k = ddpm.noise(x0.repeat(len(ks), *([1] * (x0.ndim - 1))), k_rows, eps)
        error = (eps_fn(x_k, k_rows).float() - eps).pow(2).flatten(1).mean(dim=1)
        out[first : first + len(ks)] = error.double().cpu().numpy().reshape(len(ks), m)
    return out


def mean_se(losses: np.ndarray) -> tuple[float, float]:
    """Mean of all per-image losses and its standard error (ddof 1)."""
    values = np.asarray(losses, dtype=np.float64).ravel()
    se = values.std(ddof=1) / np.sqrt(values.size) if values.size > 1 else 0.0
    return float(values.mean()), float(se)
