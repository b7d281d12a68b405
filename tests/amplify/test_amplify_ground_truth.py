"""Ground truth: with the exact empirical denoiser, ρ_model's 99 % interval holds the data's ρ."""

from __future__ import annotations

import pytest
import torch

from diffgen.amplify import data as amp_data
from diffgen.amplify.classifier import classify
from diffgen.amplify.optimal import ClassEmpiricalDenoiser
from diffgen.amplify.rho import confusion, rho_model
from diffgen.images.edm.sampler import SamplerSettings, sample, seeded_latents

CLASSES = [0, 1]
PER_CLASS = 400


@pytest.mark.parametrize("s_churn", [0.0, 60.0])
def test_empirical_denoiser_keeps_rho(s_churn):
    spec = dict(source="digits", mnist_path=None, split="train", classes=CLASSES, rho=0.8,
                class_size=20, no_digit=False, resolution=8, seed=5)  # fmt: skip
    d = amp_data.build(spec)
    assert d.effective_rho() == pytest.approx(0.8)
    positions = torch.as_tensor([CLASSES.index(c) for c in d.classes])
    denoiser = ClassEmpiricalDenoiser(amp_data.to_model(d.images), positions)
    labels = torch.arange(len(CLASSES)).repeat_interleave(PER_CLASS)
    settings = SamplerSettings(steps=64, s_churn=s_churn, s_min=0.05, s_max=50, s_noise=1.003)
    latents = seeded_latents(11, labels.numel(), (3, 8, 8))
    x = sample(denoiser, latents, settings, labels=labels, churn_seed=12).float()
    bias = classify(x, allowed=CLASSES)
    classes = torch.as_tensor(CLASSES)[labels]
    r = rho_model(confusion(classes.numpy(), bias.numpy(), CLASSES), level=0.99)
    assert r["n"] == 2 * PER_CLASS
    assert r["ci_low"] <= d.effective_rho() <= r["ci_high"]


def test_denoiser_tends_to_identity_on_training_points():
    images = torch.randn(6, 3, 4, 4)
    denoiser = ClassEmpiricalDenoiser(images, torch.tensor([0, 0, 0, 1, 1, 1]))
    out = denoiser(images, torch.full((6,), 1e-3), torch.tensor([0, 0, 0, 1, 1, 1]))
    assert torch.allclose(out.float(), images, atol=1e-6)
