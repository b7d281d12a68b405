"""EDM and VP preconditioning: D(x; σ) = c_skip(σ)·x + c_out(σ)·F(c_in(σ)·x; c_noise(σ)).

The network F sees inputs and targets of unit variance whatever σ is; the
coefficients are the reference's (NVlabs/edm ``EDMPrecond`` and ``VPPrecond``):

* EDM: c_skip = σd²/(σ²+σd²), c_out = σσd/√(σ²+σd²), c_in = 1/√(σ²+σd²),
  c_noise = ln(σ)/4, loss weight λ(σ) = (σ²+σd²)/(σσd)², σd = 0.5.
* VP: c_skip = 1, c_out = −σ, c_in = 1/√(σ²+1), c_noise = (M−1)·t(σ), with
  σ(t) = √(exp(β_d t²/2 + β_min t) − 1) (β_d = 19.9, β_min = 0.1, M = 1000) and
  t(σ) its inverse; loss weight 1/σ².
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


def _as_tensor(sigma) -> torch.Tensor:
    return sigma if torch.is_tensor(sigma) else torch.as_tensor(sigma, dtype=torch.float64)


@dataclass(frozen=True)
class Coefficients:
    """The four preconditioning coefficients at some σ (tensors of σ's shape)."""

    c_skip: torch.Tensor
    c_out: torch.Tensor
    c_in: torch.Tensor
    c_noise: torch.Tensor


@dataclass(frozen=True)
class EDMPrecond:
    """The EDM parameterisation with data standard deviation ``sigma_data``."""

    sigma_data: float = 0.5

    def coefficients(self, sigma) -> Coefficients:
        sigma, sd = _as_tensor(sigma), self.sigma_data
        total = sigma**2 + sd**2
        return Coefficients(
            c_skip=sd**2 / total,
            c_out=sigma * sd / total.sqrt(),
            c_in=1 / total.sqrt(),
            c_noise=sigma.log() / 4,
        )

    def weight(self, sigma) -> torch.Tensor:
        """Loss weight λ(σ) = 1/c_out²: the weighted loss is unit-scale at every σ."""
        sigma = _as_tensor(sigma)
        return (sigma**2 + self.sigma_data**2) / (sigma * self.sigma_data) ** 2


@dataclass(frozen=True)
class VPPrecond:
    """The variance-preserving parameterisation (Song et al. 2021) in EDM's σ form."""

    beta_d: float = 19.9
    beta_min: float = 0.1
    M: int = 1000

    def sigma(self, t) -> torch.Tensor:
        """σ(t) = √(exp(β_d t²/2 + β_min t) − 1)."""
        t = _as_tensor(t)
        return torch.expm1(0.5 * self.beta_d * t**2 + self.beta_min * t).sqrt()

    def sigma_inv(self, sigma) -> torch.Tensor:
        """t(σ), the inverse of :meth:`sigma`."""
        sigma = _as_tensor(sigma)
        root = (self.beta_min**2 + 2 * self.beta_d * torch.log1p(sigma**2)).sqrt()
        return (root - self.beta_min) / self.beta_d

    def coefficients(self, sigma) -> Coefficients:
        sigma = _as_tensor(sigma)
        return Coefficients(
            c_skip=torch.ones_like(sigma),
            c_out=-sigma,
            c_in=1 / (sigma**2 + 1).sqrt(),
            c_noise=(self.M - 1) * self.sigma_inv(sigma),
        )

    def weight(self, sigma) -> torch.Tensor:
        return 1 / _as_tensor(sigma) ** 2


Precond = EDMPrecond | VPPrecond


def make_precond(kind: str, **kwargs) -> Precond:
    """``"edm"`` or ``"vp"`` (with the class's keyword arguments)."""
    kinds = {"edm": EDMPrecond, "vp": VPPrecond}
    if kind not in kinds:
        raise ValueError(f"unknown preconditioning {kind!r} (expected 'edm' or 'vp')")
    return kinds[kind](**kwargs)


class Preconditioned(nn.Module):
    """A network F(x_in, c_noise, labels, augment_labels) turned into a denoiser D(x, σ, labels).

    As the reference, x and σ enter in float32 (``dtype``) and D comes back in
    float32 whatever the input's dtype; ``sigma`` may be a scalar or (B,).
    ``labels`` are float one-hot rows (B, label_dim) or None (a zero row: the
    unconditional label of a label-conditional net).
    """

    def __init__(self, net: nn.Module, precond: Precond, label_dim: int = 0) -> None:
        super().__init__()
        self.net, self.precond, self.label_dim = net, precond, label_dim

    def forward(self, x, sigma, labels=None, augment_labels=None) -> torch.Tensor:
        x = x.to(torch.float32)
        sigma = _as_tensor(sigma).to(device=x.device, dtype=torch.float32).reshape(-1)
        sigma = sigma.expand(x.shape[0]) if sigma.numel() == 1 else sigma
        if self.label_dim:
            labels = (
                torch.zeros(x.shape[0], self.label_dim, device=x.device)
                if labels is None
                else labels.to(torch.float32).reshape(-1, self.label_dim)
            )
        c = self.precond.coefficients(sigma)
        view = (-1, *([1] * (x.ndim - 1)))
        out = self.net(c.c_in.view(view) * x, c.c_noise, labels, augment_labels)
        return c.c_skip.view(view) * x + c.c_out.view(view) * out.to(torch.float32)


__all__ = ["Coefficients", "EDMPrecond", "Precond", "Preconditioned", "VPPrecond", "make_precond"]
