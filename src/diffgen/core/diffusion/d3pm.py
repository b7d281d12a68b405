"""Uniform discrete diffusion (D3PM): schedule, forward noising, reverse posterior, KL loss.

Each token is kept with probability ᾱ_t or replaced by a uniform draw over the v
symbols: q(x_t | x_0) = ᾱ_t·e_{x0} + (1 − ᾱ_t)/v. The schedule is linear in β
over t = 0..T (t = 0 included, so ᾱ_0 = 1 − β_1 < 1, as in the reference), and
the reverse step plugs a denoiser's estimate y of x_0 into

    f(x_t, t, y) ∝ [α_t·x_t + (1 − α_t)/v] ⊙ [ᾱ_{t−1}·y + (1 − ᾱ_{t−1})/v].

States are (B, L, v) one-hot or probability tensors (tokens where named).
Categorical draws take their uniforms from the caller (inverse CDF), so a
sampler can use fix-noise draws of :mod:`diffgen.core.seeding` and give the
same path for every model, checkpoint and batch size.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

#: Added inside the loss's logarithms (the reference's guard against log 0).
LOG_FLOOR = 1e-8


@dataclass(frozen=True)
class UniformSchedule:
    """β_t and ᾱ_t for t = 0..T (float64, CPU)."""

    betas: torch.Tensor  # (T+1,)
    alpha_bars: torch.Tensor  # (T+1,)

    @property
    def T(self) -> int:
        return int(self.betas.shape[0]) - 1

    def to(self, device: str | torch.device, dtype: torch.dtype = torch.float32) -> UniformSchedule:
        """The schedule on ``device`` in ``dtype`` (training indexes it with device steps)."""
        return UniformSchedule(self.betas.to(device, dtype), self.alpha_bars.to(device, dtype))

    def alpha(self, t: torch.Tensor | int) -> torch.Tensor:
        """α_t = 1 − β_t."""
        return 1.0 - self.betas[self._index(t)]

    def alpha_bar(self, t: torch.Tensor | int) -> torch.Tensor:
        """ᾱ_t = Π_{k ≤ t} (1 − β_k)."""
        return self.alpha_bars[self._index(t)]

    def _index(self, t: torch.Tensor | int) -> torch.Tensor:
        return torch.as_tensor(t, dtype=torch.long, device=self.betas.device)


def uniform_schedule(T: int, beta1: float, beta2: float) -> UniformSchedule:
    """β_t = β1 + (β2 − β1)·t/T for t = 0..T, ᾱ_t their cumulative product of 1 − β."""
    if T < 1:
        raise ValueError(f"T must be >= 1, got {T}")
    if not 0 < beta1 <= beta2 < 1:
        raise ValueError(f"need 0 < beta1 <= beta2 < 1, got {beta1}, {beta2}")
    t = torch.arange(T + 1, dtype=torch.float64, device="cpu")
    betas = beta1 + (beta2 - beta1) * t / T
    return UniformSchedule(betas=betas, alpha_bars=torch.cumprod(1.0 - betas, dim=0))


def _rows(values: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """A scalar or (B,) schedule value broadcast against (B, L, v)."""
    values = torch.as_tensor(values).to(device=like.device, dtype=like.dtype)
    return values.view(-1, *([1] * (like.ndim - 1))) if values.ndim == 1 else values


def forward_probs(x0: torch.Tensor, alpha_bar: torch.Tensor | float) -> torch.Tensor:
    """q(x_t | x_0) per token: ᾱ·x0 + (1 − ᾱ)/v, for x0 (B, L, v) and ᾱ scalar or (B,)."""
    abar = _rows(torch.as_tensor(alpha_bar), x0)
    return abar * x0 + (1.0 - abar) / x0.shape[-1]


def posterior_probs(
    x_t: torch.Tensor, t: torch.Tensor | int, y: torch.Tensor, schedule: UniformSchedule
) -> torch.Tensor:
    """f(x_t, t, y), normalised over the last axis; t scalar or (B,) with 1 <= t <= T."""
    t = torch.as_tensor(t, dtype=torch.long)
    v = x_t.shape[-1]
    alpha = _rows(schedule.alpha(t), x_t)
    abar_prev = _rows(schedule.alpha_bar(t - 1), y)
    likelihood = alpha * x_t + (1.0 - alpha) / v
    prior = abar_prev * y + (1.0 - abar_prev) / v
    joint = likelihood * prior
    return joint / joint.sum(dim=-1, keepdim=True)


def kl_loss(
    x_t: torch.Tensor,
    t: torch.Tensor,
    x0: torch.Tensor,
    y: torch.Tensor,
    schedule: UniformSchedule,
    reduce: bool = True,
) -> torch.Tensor:
    """Mean over rows and tokens of KL(f(x_t,t,x0) ‖ f(x_t,t,y)), logs of p + 1e-8.

    ``reduce=False`` gives the per-row mean over tokens (B,).
    """
    true_p = posterior_probs(x_t, t, x0, schedule)
    model_p = posterior_probs(x_t, t, y, schedule)
    terms = true_p * (torch.log(true_p + LOG_FLOOR) - torch.log(model_p + LOG_FLOOR))
    per_token = terms.sum(dim=-1)
    return per_token.mean() if reduce else per_token.mean(dim=-1)


def categorical(probs: torch.Tensor, uniforms: torch.Tensor) -> torch.Tensor:
    """Inverse-CDF draws: the first symbol whose cumulative probability exceeds u.

    ``probs`` (..., v) need not be normalised; ``uniforms`` (...) in [0, 1).
    """
    cdf = torch.cumsum(probs, dim=-1)
    threshold = uniforms.to(cdf.dtype).unsqueeze(-1) * cdf[..., -1:]
    index = (cdf <= threshold).sum(dim=-1)
    return index.clamp_(max=probs.shape[-1] - 1)


def noise_tokens(
    x0: torch.Tensor, alpha_bar: torch.Tensor | float, v: int, uniforms: torch.Tensor
) -> torch.Tensor:
    """x_t ~ q(· | x_0) for tokens x0 (B, L), one uniform per token (B, L) (their dtype is used)."""
    one_hot = torch.nn.functional.one_hot(x0.long(), v).to(uniforms.dtype)
    return categorical(forward_probs(one_hot, torch.as_tensor(alpha_bar)), uniforms)


def reverse_step(
    x_t: torch.Tensor,
    t: int,
    y: torch.Tensor,
    schedule: UniformSchedule,
    uniforms: torch.Tensor,
) -> torch.Tensor:
    """x_{t−1} ~ f(x_t, t, y) for tokens x_t (B, L) and the estimate y (B, L, v)."""
    one_hot = torch.nn.functional.one_hot(x_t.long(), y.shape[-1]).to(y.dtype)
    return categorical(posterior_probs(one_hot, t, y, schedule), uniforms)
