"""Gaussian diffusion on one-hot tokens: noise schedule, forward noising, DDPM posterior.

Time indices t = 1..T map to ``alpha_bar[t-1]``; ``alpha_bar_0 = 1`` (no noise).
The linear beta schedule is rescaled Diffusion-LM style by 1000/T so that the
total noise is roughly independent of T.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Schedule:
    """Per-step betas and cumulative alpha-bars, float64 on the CPU."""

    betas: torch.Tensor  # (T,)
    alpha_bars: torch.Tensor  # (T,)

    @property
    def T(self) -> int:
        return int(self.betas.shape[0])

    def alpha_bar(self, t: torch.Tensor | int) -> torch.Tensor:
        """alpha_bar_t for t in 0..T (t = 0 gives 1)."""
        padded = torch.cat([torch.ones(1, dtype=torch.float64), self.alpha_bars])
        return padded[torch.as_tensor(t, dtype=torch.long)]

    def t_of_fraction(self, fraction: float) -> int:
        """The step for a time fraction t/T, as the reference scripts round it (floor, >= 1)."""
        return max(1, int(fraction * self.T))


def linear_schedule(T: int, beta_start: float, beta_end: float) -> Schedule:
    """Linear betas from beta_start*1000/T to beta_end*1000/T over T steps (float64)."""
    if T < 1:
        raise ValueError(f"diffusion.T must be >= 1, got {T}")
    scale = 1000.0 / T
    betas = torch.linspace(scale * beta_start, scale * beta_end, T, dtype=torch.float64)
    if float(betas.max()) >= 1.0:
        raise ValueError(
            f"diffusion.T={T} is too small: rescaled beta reaches {float(betas.max())}"
        )
    return Schedule(betas=betas, alpha_bars=torch.cumprod(1.0 - betas, dim=0))


def _per_row(values: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Broadcast a scalar or (B,) schedule value against a (B, L, q) tensor."""
    values = values.to(device=like.device, dtype=like.dtype)
    return values.view(-1, *([1] * (like.ndim - 1))) if values.ndim == 1 else values


def noise(
    x0: torch.Tensor, t: torch.Tensor | int, schedule: Schedule, eps: torch.Tensor
) -> torch.Tensor:
    """x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps, with t a scalar or per-row (B,)."""
    abar = _per_row(schedule.alpha_bar(t), x0)
    return torch.sqrt(abar) * x0 + torch.sqrt(1.0 - abar) * eps


def posterior_mean_std(
    x0_hat: torch.Tensor, x_t: torch.Tensor, t: int, schedule: Schedule
) -> tuple[torch.Tensor, float]:
    """Mean and std of q(x_{t-1} | x_t, x0 = x0_hat); at t = 1 the mean is x0_hat, std 0."""
    abar_t = float(schedule.alpha_bar(t))
    abar_prev = float(schedule.alpha_bar(t - 1))
    beta_t = float(schedule.betas[t - 1])
    alpha_t = 1.0 - beta_t
    coef_x0 = abar_prev**0.5 * beta_t / (1.0 - abar_t)
    coef_xt = alpha_t**0.5 * (1.0 - abar_prev) / (1.0 - abar_t)
    variance = beta_t * (1.0 - abar_prev) / (1.0 - abar_t)
    return coef_x0 * x0_hat + coef_xt * x_t, variance**0.5
