"""The small-preset denoiser network MLP_W (the raw F of a preconditioned denoiser).

Input: the flat scaled image c_in·x and sin/cos of 2^j·π·c_noise/4, j = 0..4
(n + 10 features) → Linear(n+10, W), SiLU, Linear(W, W), SiLU, Linear(W, W),
SiLU, Linear(W, n). Called as F(x_in (B, ...), c_noise (B,)) → x's shape, so
the EDM and VP preconditioning wrap it like a U-Net. ``noise_scale`` multiplies
c_noise first: 1 for EDM (ln σ/4 spans about [−1.6, 1.1]); 4/999 for VP, whose
c_noise = 999·t would put the features far above the frequencies the MLP resolves.
"""

from __future__ import annotations

import math

import torch
from torch import nn

FREQUENCIES = 5


def noise_features(c_noise: torch.Tensor) -> torch.Tensor:
    """(B, 10): sin and cos of 2^j·π·c_noise/4, j = 0..4."""
    scale = (2.0 ** torch.arange(FREQUENCIES, device=c_noise.device)) * math.pi / 4
    angles = c_noise.reshape(-1, 1).float() * scale
    return torch.cat([angles.sin(), angles.cos()], dim=1)


class MLP(nn.Module):
    """MLP_W on flat vectors of size n."""

    def __init__(self, n: int, width: int, noise_scale: float = 1.0) -> None:
        super().__init__()
        self.n, self.width, self.noise_scale = n, width, noise_scale
        self.net = nn.Sequential(
            nn.Linear(n + 2 * FREQUENCIES, width), nn.SiLU(),
            nn.Linear(width, width), nn.SiLU(),
            nn.Linear(width, width), nn.SiLU(),
            nn.Linear(width, n),
        )  # fmt: skip

    def forward(self, x, c_noise, labels=None, augment_labels=None) -> torch.Tensor:
        features = torch.cat(
            [x.flatten(1), noise_features(c_noise * self.noise_scale).to(x.dtype)], dim=1
        )
        return self.net(features).view(x.shape)


def build(n: int, width: int, seed: int, noise_scale: float = 1.0) -> MLP:
    """MLP_W with weights from ``seed`` (PyTorch's default initialisation)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return MLP(n, width, noise_scale)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
