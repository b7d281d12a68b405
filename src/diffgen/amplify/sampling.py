"""Class-conditional samples of one trained model under one sampler setting, and their ρ_model.

A model's settings share x_T: the latents of class position k are rows
[k·n, (k+1)·n) of one seeded fix-noise bank, so settings differ only by the
sampler (never by the model or the noise).
"""

from __future__ import annotations

import numpy as np
import torch

from diffgen.amplify.classifier import classify
from diffgen.amplify.dpmsolver import DiscreteVP, net_time
from diffgen.amplify.dpmsolver import sample as dpm_sample
from diffgen.amplify.epsunet import guided_eps
from diffgen.amplify.models import one_hot
from diffgen.amplify.rho import confusion, rho_model
from diffgen.images.edm.sampler import SamplerSettings, seeded_latents
from diffgen.images.edm.sampler import sample as edm_sample


def class_positions(num_classes: int, per_class: int) -> torch.Tensor:
    return torch.arange(num_classes).repeat_interleave(per_class)


def edm_samples(denoiser, settings: SamplerSettings, num_classes: int, per_class: int,
                shape: tuple[int, ...], seed: int) -> torch.Tensor:  # fmt: skip
    """(K·per_class, C, H, W) samples in [−1, 1] order class-major."""
    positions = class_positions(num_classes, per_class)
    latents = seeded_latents(seed, len(positions), shape)
    labels = one_hot(positions, num_classes)
    return edm_sample(denoiser, latents, settings, labels=labels, churn_seed=seed + 1).float()


def ddpm_samples(model, betas: np.ndarray, w: float, steps: int, time_map: str,
                 num_classes: int, per_class: int, shape: tuple[int, ...], seed: int,
                 order: int) -> torch.Tensor:  # fmt: skip
    """CFG DPM-Solver++ samples; label k + 1 for class position k."""
    vp = DiscreteVP(betas)
    positions = class_positions(num_classes, per_class)
    x_T = seeded_latents(seed, len(positions), shape).double()
    labels = positions + 1

    @torch.no_grad()
    def eps(x, tau):
        t = net_time(torch.full((x.shape[0],), tau), vp.T, time_map)
        return guided_eps(model, x.float(), t, labels, w).double()

    return dpm_sample(eps, x_T, vp, steps, order=order).float()


def measure(samples: torch.Tensor, classes: list[int], per_class: int, allowed=None) -> dict:
    """k, n, ρ_model, CI and the confusion matrix of class-major samples."""
    bias = classify(samples.clamp(-1, 1), allowed=allowed).numpy()
    cls = np.asarray(classes)[class_positions(len(classes), per_class).numpy()]
    matrix = confusion(cls, bias, classes)
    return {**rho_model(matrix), "matrix": matrix.tolist()}
