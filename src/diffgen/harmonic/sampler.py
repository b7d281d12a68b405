"""The adaptive stochastic sampler (reference ``univ_inv_sol`` without measurement), batched.

y_1 ~ N(μ0, σ0²); at step t: r = r(y_t), σ_t = ‖r‖/√D,
h_t = h0·t/(1 + h0(t-1)), γ_t = σ_t √((1-βh_t)² - (1-h_t)²),
y_(t+1) = y_t - h_t r + γ_t z_t. Once σ_t ≤ σ_L this update is the last (the output
comes from y_(t+1)); t > max_T or σ_t > 2 aborts (flagged). Ours: σ_t above ``rise``
times its smallest value so far also aborts (flagged, ``rise`` = 0 never): a weak
model whose residual has a floor above σ_L lets a bias-free y drift in scale, σ_t
grows back, and the spec's σ_t > 2 would only fire hundreds of steps later.
Output x̂ = y - r(y).
y_1 and z_t of sample s come from generators seeded by (seed, s, t), so every model
and every batch draws the same noise; each sample stops on its own σ_t.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from diffgen.core.seeding import chunk_seed


@dataclass(frozen=True)
class SamplerSettings:
    """The sampler's settings, every one required (the `harmonic.sampler` schema owns them)."""

    sigma0: float
    mu0: float
    h0: float
    beta: float
    sigma_L: float
    max_T: int
    rise: float


def step_size(h0: float, t: int) -> float:
    return h0 * t / (1 + h0 * (t - 1))


def noise_scale(sigma: torch.Tensor, h: float, beta: float) -> torch.Tensor:
    return sigma * math.sqrt(max((1 - beta * h) ** 2 - (1 - h) ** 2, 0.0))


def seeded_normal(seed: int, sample: int, t: int, shape: tuple[int, ...]) -> torch.Tensor:
    gen = torch.Generator().manual_seed(chunk_seed(seed, sample, t))
    return torch.randn(shape, generator=gen)


@dataclass
class Samples:
    images: torch.Tensor  # x̂ (S, 1, L, L)
    steps: torch.Tensor  # steps taken per sample
    aborted: torch.Tensor  # bool per sample


@torch.no_grad()
def sample(
    residual,
    seeds: list[int],
    L: int,
    settings: SamplerSettings,
    seed: int,
    device: torch.device | str = "cpu",
) -> Samples:
    """Draw one image per entry of ``seeds`` with ``residual`` (y -> r(y), eval mode)."""
    shape = (1, L, L)
    D = L * L
    y = torch.stack(
        [settings.mu0 + settings.sigma0 * seeded_normal(seed, s, 0, shape) for s in seeds]
    ).to(device)
    active = torch.ones(len(seeds), dtype=torch.bool)
    steps = torch.zeros(len(seeds), dtype=torch.long)
    aborted = torch.zeros(len(seeds), dtype=torch.bool)
    lowest = torch.full((len(seeds),), math.inf, dtype=torch.float64)
    t = 1
    while active.any():
        idx = torch.nonzero(active).flatten()
        if t > settings.max_T:
            aborted[idx] = True
            break
        r = residual(y[idx.to(device)])
        sigma = r.flatten(1).norm(dim=1) / math.sqrt(D)
        level = sigma.double().cpu()
        lowest[idx] = torch.minimum(lowest[idx], level)
        high = level > 2
        if settings.rise > 0:
            high |= level > settings.rise * lowest[idx]
        aborted[idx[high]] = True
        go = ~high
        h = step_size(settings.h0, t)
        gamma = noise_scale(sigma, h, settings.beta).view(-1, 1, 1, 1)
        z = torch.stack([seeded_normal(seed, seeds[i], t, shape) for i in idx.tolist()])
        update = y[idx.to(device)] - h * r + gamma * z.to(device)
        rows = idx[go]
        y[rows.to(device)] = update[go.to(device)]
        steps[rows] = t
        done = (level <= settings.sigma_L) | high
        active[idx[done]] = False
        t += 1
    return Samples(y - residual(y), steps, aborted)
