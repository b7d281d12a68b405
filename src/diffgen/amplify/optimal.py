"""The exact empirical optimal denoiser of each class's training images (EDM interface).

D(x, σ, c) = Σ_y softmax_y(−‖x − y‖² / 2σ²)·y over the images y of class c: the
posterior mean when the data are the class's images, uniformly. Sampling with it
reproduces training images, so ρ_model must equal the dataset's effective ρ —
the study's ground truth for the sampler and the ρ_model measurement.
"""

from __future__ import annotations

import torch


class ClassEmpiricalDenoiser:
    """``denoiser(x, sigma, labels)`` with ``labels`` (B,) class positions 0..K−1."""

    def __init__(self, images: torch.Tensor, positions: torch.Tensor) -> None:
        self.points = images.flatten(1).to(torch.float64)
        self.positions = positions.long()

    @torch.no_grad()
    def __call__(self, x: torch.Tensor, sigma: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        flat = x.flatten(1).to(torch.float64)
        sigma = torch.as_tensor(sigma, dtype=torch.float64).reshape(-1, 1)
        distance = torch.cdist(flat, self.points).pow(2)
        same = labels.reshape(-1, 1) == self.positions.reshape(1, -1)
        logits = torch.where(same, -distance / (2 * sigma**2), -torch.inf)
        weights = torch.softmax(logits, dim=1)
        return (weights @ self.points).reshape(x.shape)
