"""Exponential moving average of a network's weights, as the EDM reference keeps it.

After every optimiser step p_ema ← β·p_ema + (1 − β)·p. Two ways to set β:

* ``halflife_images`` h (the reference's ``ema_halflife_kimg`` × 1000), with an
  optional ramp-up r: h_eff = min(h, r·n) where n counts the images seen
  *before* this step (the reference updates the EMA before it advances its
  image count, so the first update copies the net), β = 0.5^(batch / h_eff);
* ``decay``: a fixed β per step (β = 0.999 in the small presets).

Only parameters are averaged; buffers are copied from the net at each update.
"""

from __future__ import annotations

import copy

import torch
from torch import nn


class EMA:
    """The averaged copy ``module`` of a network (eval mode, no gradients)."""

    def __init__(
        self,
        model: nn.Module,
        *,
        halflife_images: float | None = None,
        rampup_ratio: float | None = None,
        decay: float | None = None,
    ) -> None:
        if (halflife_images is None) == (decay is None):
            raise ValueError("EMA needs exactly one of halflife_images and decay")
        self.halflife_images, self.rampup_ratio, self.decay = halflife_images, rampup_ratio, decay
        self.module = copy.deepcopy(model).eval().requires_grad_(False)

    def beta(self, batch_size: int, images_seen: int) -> float:
        """β of an update after a step of ``batch_size`` images, ``images_seen`` before it."""
        if self.decay is not None:
            return self.decay
        halflife = self.halflife_images
        if self.rampup_ratio is not None:
            halflife = min(halflife, images_seen * self.rampup_ratio)
        return 0.5 ** (batch_size / max(halflife, 1e-8))

    @torch.no_grad()
    def update(self, model: nn.Module, batch_size: int = 1, images_seen: int = 0) -> float:
        """Average ``model``'s current weights in; returns the β used."""
        beta = self.beta(batch_size, images_seen)
        for p_ema, p in zip(self.module.parameters(), model.parameters(), strict=True):
            p_ema.copy_(p.detach().lerp(p_ema, beta))
        for b_ema, b in zip(self.module.buffers(), model.buffers(), strict=True):
            b_ema.copy_(b)
        return beta

    def state_dict(self) -> dict:
        return self.module.state_dict()

    def load_state_dict(self, state: dict) -> None:
        self.module.load_state_dict(state)
