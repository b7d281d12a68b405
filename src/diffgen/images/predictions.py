"""Two models' predictions on the same inputs, and how far they agree, input by input.

Used to compare denoisers trained on disjoint data: feed both the same noised
images at a step k and take, per input, the cosine of the two flattened
predictions. Inputs are batched on the device; results come back on the CPU.
"""

from __future__ import annotations

import torch

from diffgen.images.ddpm import EpsFunction
from diffgen.images.similarity import paired


@torch.no_grad()
def predict(
    eps_fn: EpsFunction,
    inputs: torch.Tensor,
    k: int,
    batch_size: int = 1024,
    device: str | torch.device = "cpu",
    to_cpu: bool = True,
) -> torch.Tensor:
    """ε̂(x, k) for every row of ``inputs`` at the one step ``k``, float32.

    On the CPU unless ``to_cpu`` is false (then on ``device``, for comparisons there).
    """
    device = torch.device(device)
    parts = []
    for start in range(0, inputs.shape[0], batch_size):
        x = inputs[start : start + batch_size].to(device, torch.float32)
        steps = torch.full((x.shape[0],), k, dtype=torch.long, device=device)
        out = eps_fn(x, steps).float()
        parts.append(out.cpu() if to_cpu else out)
    if not parts:
        return torch.zeros_like(inputs, dtype=torch.float32)
    return torch.cat(parts)


def agreement(first: torch.Tensor, second: torch.Tensor) -> torch.Tensor:
    """Per-input cosine similarity of two models' predictions: (N,)."""
    return paired(first, second, "cosine")
