"""The denoising losses of the EDM and VP parameterisations.

Both draw a σ per image, noise x0 to y + σε, and weight the squared error of
D(y + σε; σ) against y by the parameterisation's λ(σ); the loss is the
per-image sum over pixels, averaged over the batch (the reference sums
everything and divides by the batch). Draw order follows the reference: σ,
then the augmentation, then ε, all from the caller's generator.

* EDM: ln σ ~ N(P_mean, P_std²). ``uniform_fraction`` f > 0 draws the last
  round(f·B) rows of a batch log-uniformly in [σ_lo, σ_hi] instead (small
  models need σ > 10 trained, which the log-normal almost never draws).
* VP: t ~ U(ε_t, 1), σ = σ(t), λ = 1/σ².
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from diffgen.images.edm.precond import EDMPrecond, VPPrecond

#: An augmentation: (images, generator) -> (augmented images, augment labels or None).
Augment = Callable[[torch.Tensor, torch.Generator], tuple[torch.Tensor, torch.Tensor | None]]


def _column(values: torch.Tensor, ndim: int) -> torch.Tensor:
    return values.view(-1, *([1] * (ndim - 1)))


def weighted_error(
    denoiser, x0, sigma, weight, generator, labels=None, augment: Augment | None = None
) -> torch.Tensor:
    """Batch mean of λ(σ)·Σ_pixels (D(y + σε; σ) − y)², y the (augmented) images."""
    y, augment_labels = (x0, None) if augment is None else augment(x0, generator)
    noise = torch.randn(y.shape, generator=generator, device=y.device, dtype=y.dtype)
    noisy = y + _column(sigma, y.ndim) * noise
    kwargs = {} if augment_labels is None else {"augment_labels": augment_labels}
    denoised = denoiser(noisy, sigma, labels, **kwargs)
    error = (denoised.float() - y.float()).pow(2).flatten(1).sum(dim=1)
    return (weight.float() * error).mean()


@dataclass(frozen=True)
class EDMLoss:
    """EDM's loss: log-normal σ (optionally part log-uniform), weight (σ²+σd²)/(σσd)²."""

    p_mean: float = -1.2
    p_std: float = 1.2
    precond: EDMPrecond = field(default_factory=EDMPrecond)
    uniform_fraction: float = 0.0
    sigma_lo: float = 0.002
    sigma_hi: float = 80.0

    def sigmas(self, size: int, generator: torch.Generator, device) -> torch.Tensor:
        """σ of ``size`` rows (float32)."""
        normal = torch.randn(size, generator=generator, device=device)
        log_sigma = normal * self.p_std + self.p_mean
        uniform_rows = round(self.uniform_fraction * size)
        if uniform_rows:
            u = torch.rand(uniform_rows, generator=generator, device=device)
            lo, hi = math.log(self.sigma_lo), math.log(self.sigma_hi)
            log_sigma[size - uniform_rows :] = lo + (hi - lo) * u
        return log_sigma.exp()

    def __call__(self, denoiser, x0, generator, labels=None, augment=None) -> torch.Tensor:
        sigma = self.sigmas(x0.shape[0], generator, x0.device)
        weight = self.precond.weight(sigma)
        return weighted_error(denoiser, x0, sigma, weight, generator, labels, augment)


@dataclass(frozen=True)
class VPLoss:
    """The VP loss: t ~ U(ε_t, 1), σ = σ(t), weight 1/σ²."""

    precond: VPPrecond = field(default_factory=VPPrecond)
    epsilon_t: float = 1e-5

    def sigmas(self, size: int, generator: torch.Generator, device) -> torch.Tensor:
        t = 1 + torch.rand(size, generator=generator, device=device) * (self.epsilon_t - 1)
        return self.precond.sigma(t)

    def __call__(self, denoiser, x0, generator, labels=None, augment=None) -> torch.Tensor:
        sigma = self.sigmas(x0.shape[0], generator, x0.device)
        weight = self.precond.weight(sigma)
        return weighted_error(denoiser, x0, sigma, weight, generator, labels, augment)
