"""ε-prediction DDPM on images: the project's schedule indexed by the network's step k.

The schedule is :func:`diffgen.core.diffusion.gaussian.linear_schedule`
(β linear from 1e-4 to 0.02, rescaled by 1000/T). The network receives the
reference implementation's step k = t − 1 in 0..T−1, with
ᾱ_k = Π_{j≤k} (1 − β_j), so ``alpha_bar(k)`` is the schedule's ``alpha_bars[k]``.

Forward: x_k = √ᾱ_k x0 + √(1 − ᾱ_k) ε. Reverse step (Ho et al.):
x ← (x − β_k/√(1 − ᾱ_k) ε̂) / √(1 − β_k) + √β_k z, with z = 0 at k ≤ 1 and no clipping.

Which seeded noise each use draws (:mod:`diffgen.core.seeding`, rows keyed by
(seed, step, row), so batch- and device-independent): the sampler's x_T at the
reserved initial step and z at step k; evaluation noise at steps below
``EVALUATION_BASE`` so it never coincides with a sampler's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from diffgen.core.diffusion.gaussian import Schedule, linear_schedule

#: Seeded-noise steps of the loss evaluator (LOSS_BASE − k) and of the noised inputs
#: of prediction comparisons (INPUTS_BASE − k); the samplers use steps 0..T−1.
EVALUATION_BASE = -(10**7)
LOSS_BASE = EVALUATION_BASE
INPUTS_BASE = 2 * EVALUATION_BASE

#: A noise predictor: ε̂(x_k (B, C, H, W), k (B,) long) -> (B, C, H, W). A network, or a closed form.
EpsFunction = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class EpsDDPM:
    """The diffusion of an ε-predictor: schedule values by step k = 0..T−1, float64."""

    schedule: Schedule

    @classmethod
    def linear(cls, T: int, beta_start: float, beta_end: float) -> EpsDDPM:
        return cls(linear_schedule(T, beta_start, beta_end))

    @property
    def T(self) -> int:
        return self.schedule.T

    def alpha_bar(self, k: torch.Tensor | int) -> torch.Tensor:
        """ᾱ_k, k in 0..T−1 (float64)."""
        return self.schedule.alpha_bars[torch.as_tensor(k, dtype=torch.long)]

    def beta(self, k: int) -> float:
        return float(self.schedule.betas[k])

    def noise(self, x0: torch.Tensor, k: torch.Tensor | int, eps: torch.Tensor) -> torch.Tensor:
        """x_k = √ᾱ_k x0 + √(1 − ᾱ_k) ε, with k a scalar or one step per row."""
        abar = self.alpha_bar(k).to(device=x0.device, dtype=x0.dtype)
        if abar.ndim == 1:
            abar = abar.view(-1, *([1] * (x0.ndim - 1)))
        return abar.sqrt() * x0 + (1.0 - abar).sqrt() * eps

    def step_coefficients(self, k: int) -> tuple[float, float, float]:
        """(1/√(1−β_k), β_k/√(1−ᾱ_k), √β_k) of the reverse step at k (noise scale 0 at k ≤ 1)."""
        beta = self.beta(k)
        abar = float(self.schedule.alpha_bars[k])
        return (1.0 - beta) ** -0.5, beta / (1.0 - abar) ** 0.5, beta**0.5 if k > 1 else 0.0

    def reverse_step(
        self, x: torch.Tensor, eps_hat: torch.Tensor, k: int, z: torch.Tensor | None
    ) -> torch.Tensor:
        """x_{k−1} from x_k, the predicted noise and the step's noise z (unused at k ≤ 1)."""
        scale, eps_coef, noise_coef = self.step_coefficients(k)
        out = scale * (x - eps_coef * eps_hat)
        return out + noise_coef * z if noise_coef else out
