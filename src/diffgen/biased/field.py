"""The leaf evidence of Gaussian diffusion on one-hot tokens, seen by BP and the prior."""

from __future__ import annotations

import torch


def diffusion_field(x_t: torch.Tensor, alpha_bar: torch.Tensor | float) -> torch.Tensor:
    """Field sqrt(abar)/(1 - abar) * x_t seen by the leaves under Gaussian noising.

    ``alpha_bar`` is a scalar or a per-row tensor (B,).
    """
    alpha_bar = torch.as_tensor(alpha_bar, dtype=torch.float64, device=x_t.device)
    scale = torch.sqrt(alpha_bar) / (1.0 - alpha_bar)
    if scale.ndim == 1:
        scale = scale.view(-1, 1, 1)
    return x_t.to(torch.float64) * scale
