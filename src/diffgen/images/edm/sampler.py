"""The EDM sampler (Karras et al. 2022, Algorithm 2; reference ``edm_sampler``).

Time steps σ_i = (σ_max^(1/ρ) + i/(N−1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ, i < N, and
σ_N = 0. From x_0 = σ_0·z (float64), each step optionally "churns" (raises σ_i
to σ̂ = σ_i(1+γ), γ = min(S_churn/N, √2−1) when S_min ≤ σ_i ≤ S_max, adding
√(σ̂² − σ_i²)·S_noise·ε), takes an Euler step of dx/dσ = (x − D(x; σ))/σ to
σ_{i+1} and, with Heun, corrects it with the slope there — except on the last
step (σ_N = 0), so Heun costs 2N − 1 denoiser evaluations and Euler N.

Randomness is fixed outside the sampler so that every model sees the same
draws: the latents z are an input (draw them once with :func:`per_seed_latents`
or :func:`seeded_latents` and share them), and churn noise of row r at step i
is :func:`diffgen.core.seeding.seeded_noise` row r of step i of ``churn_seed``,
independent of batching.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from diffgen.core.seeding import initial_noise, seeded_noise

SOLVERS = ("heun", "euler")


@dataclass(frozen=True)
class SamplerSettings:
    """One sampler setting; the defaults are the reference ``edm_sampler``'s."""

    steps: int = 18
    solver: str = "heun"
    sigma_min: float = 0.002
    sigma_max: float = 80.0
    rho: float = 7.0
    s_churn: float = 0.0
    s_min: float = 0.0
    s_max: float = math.inf
    s_noise: float = 1.0

    def __post_init__(self) -> None:
        if self.solver not in SOLVERS:
            raise ValueError(f"unknown solver {self.solver!r} (expected one of {SOLVERS})")
        if self.steps < 1:
            raise ValueError(f"the sampler needs at least one step, not {self.steps}")

    @property
    def nfe(self) -> int:
        """Denoiser evaluations per sample: 2N − 1 (Heun) or N (Euler)."""
        return 2 * self.steps - 1 if self.solver == "heun" else self.steps

    def sigmas(self) -> torch.Tensor:
        return edm_sigmas(self.steps, self.sigma_min, self.sigma_max, self.rho)

    def gammas(self) -> list[float]:
        """γ_i of every step (0 where σ_i lies outside [S_min, S_max] or S_churn = 0)."""
        gamma = min(self.s_churn / self.steps, math.sqrt(2) - 1)
        return [
            gamma if self.s_churn > 0 and self.s_min <= float(s) <= self.s_max else 0.0
            for s in self.sigmas()[:-1]
        ]


def edm_sigmas(steps: int, sigma_min: float, sigma_max: float, rho: float) -> torch.Tensor:
    """σ_0 > … > σ_{N−1} and σ_N = 0 (float64, N + 1 values); one step gives (σ_max, 0)."""
    i = torch.arange(steps, dtype=torch.float64)
    lo, hi = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
    sig = (hi + i / max(steps - 1, 1) * (lo - hi)) ** rho
    return torch.cat([sig, torch.zeros(1, dtype=torch.float64)])


def per_seed_latents(seeds: Sequence[int], shape: tuple[int, ...]) -> torch.Tensor:
    """z_i ~ N(0, I) of ``shape`` from a CPU generator seeded with seeds[i] (the reference's
    per-image seeds); float32, (len(seeds), *shape)."""
    gen = torch.Generator(device="cpu")
    rows = []
    for seed in seeds:
        gen.manual_seed(int(seed))
        rows.append(torch.randn(shape, generator=gen))
    return torch.stack(rows) if rows else torch.zeros((0, *shape))


def seeded_latents(seed: int, count: int, shape: tuple[int, ...]) -> torch.Tensor:
    """z of ``count`` rows from one seed (the project's chunked fix-noise construction)."""
    return initial_noise(seed, count, shape)


@torch.no_grad()
def sample(
    denoiser,
    latents: torch.Tensor,
    settings: SamplerSettings,
    labels: torch.Tensor | None = None,
    churn_seed: int | None = None,
    batch_size: int | None = None,
    device: str | torch.device = "cpu",
    trajectory: bool = False,
):
    """Samples (float64, CPU) of ``denoiser(x, sigma, labels)`` from ``latents`` (N, ...).

    ``labels`` (N, ...) are passed row by row with their batch. With
    ``trajectory`` also returns the states x at every σ_i, (N + 1 steps, rows, ...).
    """
    device = torch.device(device)
    sigmas = settings.sigmas()
    gammas = settings.gammas()
    if any(gammas) and churn_seed is None:
        raise ValueError("a sampler with churn needs a churn_seed")
    n, shape = latents.shape[0], tuple(latents.shape[1:])
    batch_size = batch_size or max(n, 1)
    out = torch.empty((n, *shape), dtype=torch.float64)
    states = torch.empty((len(sigmas), n, *shape), dtype=torch.float64) if trajectory else None
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        rows_labels = None if labels is None else labels[start:stop].to(device)
        x = latents[start:stop].to(device, torch.float64) * sigmas[0]
        if states is not None:
            states[0, start:stop] = x.cpu()
        for i in range(settings.steps):
            noise = None
            if gammas[i]:
                noise = seeded_noise(churn_seed, i, start, stop, shape).to(device, torch.float64)
            x = _step(denoiser, x, float(sigmas[i]), float(sigmas[i + 1]), gammas[i], noise,
                      settings, rows_labels, last=i == settings.steps - 1)  # fmt: skip
            if states is not None:
                states[i + 1, start:stop] = x.cpu()
        out[start:stop] = x.cpu()
    return (out, states) if trajectory else out


def _denoise(denoiser, x: torch.Tensor, sigma: float, labels) -> torch.Tensor:
    sig = torch.full((x.shape[0],), sigma, dtype=torch.float64, device=x.device)
    return denoiser(x, sig, labels).to(torch.float64)


def _step(denoiser, x, t_cur, t_next, gamma, noise, settings, labels, last) -> torch.Tensor:
    """One step from σ_i = t_cur to σ_{i+1} = t_next (with churn when gamma > 0)."""
    t_hat = t_cur + gamma * t_cur
    if gamma:
        x = x + math.sqrt(t_hat**2 - t_cur**2) * settings.s_noise * noise
    d_cur = (x - _denoise(denoiser, x, t_hat, labels)) / t_hat
    x_next = x + (t_next - t_hat) * d_cur
    if settings.solver == "heun" and not last:
        d_prime = (x_next - _denoise(denoiser, x_next, t_next, labels)) / t_next
        x_next = x + (t_next - t_hat) * (0.5 * d_cur + 0.5 * d_prime)
    return x_next
