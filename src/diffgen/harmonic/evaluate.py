"""Batched evaluation of trained denoisers: residuals on the device, seeded test noise."""

from __future__ import annotations

import torch

from diffgen.core.seeding import chunk_seed


def residual_fn(model, device, batch: int = 256):
    """y -> r(y) on the device in batches (eval mode: rows are independent)."""

    @torch.no_grad()
    def residual(y: torch.Tensor) -> torch.Tensor:
        parts = [model(y[i : i + batch].to(device)).cpu() for i in range(0, len(y), batch)]
        return torch.cat(parts)

    return residual


def test_noise(seed: int, index: int, shape: tuple[int, ...]) -> torch.Tensor:
    """Standard normal noise of noise level number ``index`` (the same for every model)."""
    gen = torch.Generator().manual_seed(chunk_seed(seed, 10_000 + index, 0))
    return torch.randn(shape, generator=gen)
