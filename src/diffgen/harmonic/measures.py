"""Study 2's measurements: cosines, V(σ), PSNR, Jacobian spectra, oracle shrinkage, slopes.

Conventions follow the spec (§4): cos subtracts each image's pixel mean; PSNR is
10 log10(1/MSE) per image, averaged; J = I - J_r by reverse mode, eigen-analysis
of its symmetric part.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch.func import vjp, vmap


def centred_cos(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """cos(a_i, b_j) of every pair of flattened rows (pixel means removed): (len(a), len(b))."""
    a = a.flatten(1).double()
    b = b.flatten(1).double()
    a = a - a.mean(dim=1, keepdim=True)
    b = b - b.mean(dim=1, keepdim=True)
    a = a / a.norm(dim=1, keepdim=True).clamp_min(1e-300)
    b = b / b.norm(dim=1, keepdim=True).clamp_min(1e-300)
    return a @ b.T


def nearest(samples: torch.Tensor, train: torch.Tensor, chunk: int = 4096):
    """(max cos, argmax) of each sample over the training images (chunked)."""
    best = torch.full((len(samples),), -2.0, dtype=torch.float64)
    index = torch.zeros(len(samples), dtype=torch.long)
    for start in range(0, len(train), chunk):
        cos = centred_cos(samples, train[start : start + chunk])
        value, arg = cos.max(dim=1)
        better = value > best
        best[better], index[better] = value[better], arg[better] + start
    return best, index


def psnr(estimate: torch.Tensor, clean: torch.Tensor) -> torch.Tensor:
    """PSNR of each image (peak 1)."""
    mse = ((estimate.double() - clean.double()) ** 2).flatten(1).mean(dim=1)
    return 10 * torch.log10(1.0 / mse)


def psnr_in(sigma: float) -> float:
    return -20 * math.log10(sigma)


def slope(x: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope of y on x."""
    return float(np.polyfit(np.asarray(x, float), np.asarray(y, float), 1)[0])


def optimal_slope(alpha: float) -> float:
    return alpha / (alpha + 1)


def jacobian(residual, image: torch.Tensor, chunk: int) -> torch.Tensor:
    """J = I - ∂r/∂y at one image (1, L, L): rows by vmapped vector-Jacobian products."""
    D = image.numel()
    _, pullback = vjp(lambda v: residual(v.unsqueeze(0)).squeeze(0).flatten(), image)
    eye = torch.eye(D, device=image.device, dtype=image.dtype)
    rows = torch.cat([vmap(pullback)(eye[i : i + chunk])[0].flatten(1) for i in range(0, D, chunk)])
    return torch.eye(D, dtype=torch.float64) - rows.double().cpu()


def spectrum(J: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Eigenvalues (descending), eigenvectors (columns) of (J+Jᵀ)/2, and ‖J-Jᵀ‖_F/‖J‖_F."""
    values, vectors = torch.linalg.eigh((J + J.T) / 2)
    order = torch.argsort(values, descending=True)
    asym = float(torch.linalg.norm(J - J.T) / torch.linalg.norm(J))
    return values[order], vectors[:, order], asym


def oracle(coeffs: torch.Tensor, sigma: float) -> torch.Tensor:
    """Oracle shrinkage λ*_k = c_k²/(c_k² + σ²) in a basis where x has coefficients c_k."""
    c2 = coeffs**2
    return c2 / (c2 + sigma**2)


def shrinkage_mse(lam: torch.Tensor, coeffs: torch.Tensor, sigma: float) -> float:
    """Σ (1-λ_k)² c_k² + σ² λ_k²: expected error of diagonal shrinkage λ in that basis."""
    return float(((1 - lam) ** 2 * coeffs**2 + sigma**2 * lam**2).sum())


def disc_optimum_psnr(psnr_in_db: np.ndarray, D: int, dim: int = 5) -> np.ndarray:
    """PSNR of the projection onto a dim-dimensional tangent space: PSNR_in + 10 log10(D/dim)."""
    return np.asarray(psnr_in_db) + 10 * math.log10(D / dim)


# -- closed-form denoisers (ground truth of the tests and the disc optimum) -----------------


def memorizer(y: torch.Tensor, train: torch.Tensor, sigma: float) -> torch.Tensor:
    """D_N(y; σ) = Σ w_i x_i, w = softmax(-‖y - x_i‖²/2σ²) (float64, max-shifted)."""
    yf, xf = y.flatten(1).double(), train.flatten(1).double()
    logits = -(torch.cdist(yf, xf) ** 2) / (2 * sigma**2)
    w = torch.softmax(logits - logits.max(dim=1, keepdim=True).values, dim=1)
    return (w @ xf).view(y.shape)


def memorizer_jacobian(y: torch.Tensor, train: torch.Tensor, sigma: float) -> torch.Tensor:
    """J = (Σ w_i x_i x_iᵀ - m mᵀ)/σ² of D_N at one image y."""
    yf, xf = y.flatten().double(), train.flatten(1).double()
    logits = -((xf - yf) ** 2).sum(dim=1) / (2 * sigma**2)
    w = torch.softmax(logits - logits.max(), dim=0)
    m = w @ xf
    return ((xf.T * w) @ xf - torch.outer(m, m)) / sigma**2


def gaussian_denoiser(y: torch.Tensor, mean: torch.Tensor, cov: torch.Tensor, sigma: float):
    """D(y) = μ + C(C + σ²I)⁻¹(y - μ) for a Gaussian prior N(μ, C) (flattened rows)."""
    eye = torch.eye(len(mean), dtype=cov.dtype)
    gain = cov @ torch.linalg.inv(cov + sigma**2 * eye)
    return mean + (y - mean) @ gain.T
