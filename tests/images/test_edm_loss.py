"""EDM and VP losses against their expectations under exact Gaussian denoisers.

For x0 ~ N(0, s²I) the exact denoiser is D = s²/(s²+σ²)·x, and each pixel's
weighted error λ(σ)(D − x0)² is λ(σ)·s²σ²/(s²+σ²) times a χ²₁ draw. With EDM
and s = σd that factor is 1 at every σ, so the loss is n (pixels) in
expectation whatever σ's distribution; for VP with s = 1 it is 1/(1+σ(t)²).
"""

import math

import numpy as np
import pytest
import torch

from diffgen.images.edm.loss import EDMLoss, VPLoss
from diffgen.images.edm.precond import VPPrecond


def exact(s: float):
    def denoise(x, sigma, labels=None):
        return s**2 / (s**2 + sigma.view(-1, *([1] * (x.ndim - 1))) ** 2) * x

    return denoise


def test_edm_loss_of_the_exact_denoiser_is_the_pixel_count():
    gen = torch.Generator().manual_seed(0)
    batch, shape = 8192, (1, 4, 4)
    x0 = 0.5 * torch.randn(batch, *shape, generator=gen)
    loss = EDMLoss()(exact(0.5), x0, gen)
    n = 16  # χ²₁ mean over B·n draws: standard error √(2/(B·n))
    assert float(loss) / n == pytest.approx(1.0, abs=5 * math.sqrt(2 / (batch * n)))


def test_vp_loss_of_the_exact_denoiser_matches_its_integral():
    gen = torch.Generator().manual_seed(1)
    batch, n = 16384, 8
    x0 = torch.randn(batch, n, generator=gen)
    loss = float(VPLoss()(exact(1.0), x0, gen)) / n
    t = np.linspace(1e-5, 1, 200_001)
    sigma2 = np.expm1(9.95 * t**2 + 0.1 * t)
    expected = np.trapezoid(1 / (1 + sigma2), t) / (1 - 1e-5)
    assert loss == pytest.approx(expected, abs=0.02)


def test_sigma_draws_follow_the_lognormal_and_the_uniform_share():
    gen = torch.Generator().manual_seed(2)
    log_sigma = EDMLoss().sigmas(100_000, gen, "cpu").log()
    assert float(log_sigma.mean()) == pytest.approx(-1.2, abs=0.02)
    assert float(log_sigma.std()) == pytest.approx(1.2, abs=0.02)
    mixed = EDMLoss(uniform_fraction=0.5).sigmas(10_000, gen, "cpu").log()
    uniform = mixed[5000:]
    lo, hi = math.log(0.002), math.log(80)
    assert float(uniform.min()) >= lo and float(uniform.max()) <= hi
    assert float(uniform.mean()) == pytest.approx((lo + hi) / 2, abs=0.1)
    assert float(mixed[:5000].mean()) == pytest.approx(-1.2, abs=0.1)
    vp = VPLoss().sigmas(10_000, gen, "cpu")
    assert float(vp.min()) >= float(VPPrecond().sigma(1e-5)) and float(vp.max()) <= float(
        VPPrecond().sigma(1.0)
    )


def test_loss_is_seeded_and_passes_labels_and_augment_labels():
    seen = {}

    def recording(x, sigma, labels=None, augment_labels=None):
        seen.update(labels=labels, augment=augment_labels)
        return torch.zeros_like(x)

    def flip(x, gen):
        return x.flip(-1), torch.ones(x.shape[0], 9)

    x0 = torch.randn(4, 2, 3, 3, generator=torch.Generator().manual_seed(3))
    labels = torch.eye(4)
    a = EDMLoss()(recording, x0, torch.Generator().manual_seed(5), labels, flip)
    assert seen["labels"] is labels and seen["augment"].shape == (4, 9)
    b = EDMLoss()(recording, x0, torch.Generator().manual_seed(5), labels, flip)
    assert torch.equal(a, b)
    # D = 0 on flipped data: loss = mean λ(σ)·Σ y², y the flipped images.
    gen = torch.Generator().manual_seed(5)
    sigma = EDMLoss().sigmas(4, gen, "cpu")
    weight = (sigma**2 + 0.25) / (0.25 * sigma**2)
    assert float(a) == pytest.approx(
        float((weight * x0.pow(2).sum(dim=(1, 2, 3))).mean()), rel=1e-6
    )
