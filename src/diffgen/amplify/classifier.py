"""The bias classifier: the mean colour of an image's non-white pixels, nearest COLOUR_MAP entry.

u = (x + 1)/2; a pixel is non-white when any channel is below 0.7; c̄ is 255 times
the mean RGB over those pixels; the bias is argmin_j ‖c̄ − COLOUR_MAP[j]‖₂ over the
allowed colours. An image without a non-white pixel gets −1.
"""

from __future__ import annotations

import torch

from diffgen.amplify.colours import COLOUR_MAP

WHITE_THRESHOLD = 0.7


@torch.no_grad()
def classify(x: torch.Tensor, allowed: list[int] | None = None) -> torch.Tensor:
    """(N, 3, H, W) images in [−1, 1] -> (N,) colour index (−1: no coloured pixel)."""
    allowed = list(range(len(COLOUR_MAP))) if allowed is None else list(allowed)
    u = ((x.double() + 1) / 2).flatten(2)  # (N, 3, P)
    mask = (u < WHITE_THRESHOLD).any(dim=1)  # (N, P)
    count = mask.sum(dim=1)
    mean = 255 * (u * mask[:, None]).sum(dim=2) / count.clamp(min=1)[:, None]
    palette = torch.as_tensor(COLOUR_MAP[allowed], dtype=torch.float64)
    nearest = torch.cdist(mean, palette).argmin(dim=1)
    labels = torch.as_tensor(allowed, dtype=torch.long)[nearest]
    return torch.where(count > 0, labels, torch.full_like(labels, -1))
