"""EDM and VP preconditioning: hand values, identities, and D(x) → x as σ → 0."""

import math

import pytest
import torch
from torch import nn

from diffgen.images.edm.precond import EDMPrecond, Preconditioned, VPPrecond, make_precond

SIGMAS = torch.tensor([0.002, 0.02, 0.5, 1.0, 3.3, 25.0, 80.0], dtype=torch.float64)


class Shift(nn.Module):
    """A bounded stand-in network: F = tanh(x_in) + c_noise."""

    def forward(self, x, c_noise, labels=None, augment_labels=None):
        return torch.tanh(x) + c_noise.view(-1, *([1] * (x.ndim - 1)))


class Zero(nn.Module):
    def forward(self, x, c_noise, labels=None, augment_labels=None):
        return torch.zeros_like(x)


def test_edm_coefficients_by_hand_at_sigma_one():
    c = EDMPrecond().coefficients(torch.tensor(1.0, dtype=torch.float64))
    assert float(c.c_skip) == pytest.approx(0.25 / 1.25)
    assert float(c.c_out) == pytest.approx(0.5 / math.sqrt(1.25))
    assert float(c.c_in) == pytest.approx(1 / math.sqrt(1.25))
    assert float(c.c_noise) == 0.0
    assert float(EDMPrecond().weight(torch.tensor(1.0))) == pytest.approx(1.25 / 0.25)


def test_edm_identities_unit_input_and_target_variance():
    sd = 0.5
    c = EDMPrecond(sd).coefficients(SIGMAS)
    one = torch.ones_like(SIGMAS)
    assert torch.allclose(c.c_skip + c.c_out**2 / sd**2, one, rtol=1e-12)
    assert torch.allclose(c.c_in**2 * (SIGMAS**2 + sd**2), one, rtol=1e-12)  # Var(c_in·x) = 1
    assert torch.allclose(EDMPrecond(sd).weight(SIGMAS) * c.c_out**2, one, rtol=1e-12)
    # The target of F, (y − c_skip·(y + σε))/c_out, has unit variance for y ~ N(0, σd²).
    target_var = ((1 - c.c_skip) ** 2 * sd**2 + c.c_skip**2 * SIGMAS**2) / c.c_out**2
    assert torch.allclose(target_var, one, rtol=1e-12)
    assert torch.allclose(c.c_noise, SIGMAS.log() / 4)


def test_vp_coefficients_and_time_map():
    vp = VPPrecond()
    t = torch.tensor([1e-5, 0.01, 0.3, 0.7, 1.0], dtype=torch.float64)
    sigma = vp.sigma(t)
    assert torch.allclose(sigma, (torch.exp(9.95 * t**2 + 0.1 * t) - 1).sqrt(), rtol=1e-12)
    assert torch.allclose(vp.sigma_inv(sigma), t, rtol=1e-9)
    c = vp.coefficients(sigma)
    assert torch.allclose(c.c_noise, 999 * t, rtol=1e-9)
    assert torch.equal(c.c_skip, torch.ones_like(sigma)) and torch.equal(c.c_out, -sigma)
    assert torch.allclose(c.c_in, 1 / (sigma**2 + 1).sqrt())
    assert torch.allclose(vp.weight(sigma), sigma**-2)
    assert float(vp.sigma(1.0)) == pytest.approx(math.sqrt(math.exp(10.05) - 1))


@pytest.mark.parametrize("kind", ["edm", "vp"])
def test_denoiser_tends_to_the_identity_as_sigma_vanishes(kind):
    x = torch.randn(4, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    denoiser = Preconditioned(Shift(), make_precond(kind))
    for sigma, tol in ((1e-3, 5e-3), (1e-6, 1e-5)):
        assert torch.allclose(denoiser(x, sigma), x, atol=tol)


def test_zero_network_is_the_exact_denoiser_of_data_with_std_sigma_data():
    """For x0 ~ N(0, σd²), E[x0 | x] = σd²/(σ²+σd²)·x = c_skip·x: F = 0 is optimal."""
    x = torch.randn(5, 2, 4, 4, dtype=torch.float64)
    sigma = torch.tensor([0.01, 0.3, 1.0, 7.0, 80.0])
    out = Preconditioned(Zero(), EDMPrecond())(x, sigma)
    expected = 0.25 / (sigma.double() ** 2 + 0.25).view(-1, 1, 1, 1) * x
    assert out.dtype == torch.float32
    assert torch.allclose(out.double(), expected, rtol=1e-6)


def test_wrapper_feeds_scaled_inputs_and_flat_noise_labels_and_labels():
    seen = {}

    class Record(nn.Module):
        def forward(self, x, c_noise, labels=None, augment_labels=None):
            seen.update(x=x, c_noise=c_noise, labels=labels, augment=augment_labels)
            return torch.zeros_like(x)

    x = torch.ones(3, 6)
    Preconditioned(Record(), EDMPrecond(), label_dim=4)(x, 2.0)
    assert torch.allclose(seen["x"], torch.full((3, 6), 1 / math.sqrt(4.25)))
    assert seen["c_noise"].shape == (3,) and torch.allclose(
        seen["c_noise"], torch.tensor(math.log(2) / 4)
    )
    assert torch.equal(seen["labels"], torch.zeros(3, 4)) and seen["augment"] is None
    onehot = torch.eye(4)[:3]
    Preconditioned(Record(), EDMPrecond(), label_dim=4)(x, torch.ones(3), onehot, torch.ones(3, 9))
    assert torch.equal(seen["labels"], onehot) and seen["augment"].shape == (3, 9)


def test_unknown_preconditioning_is_refused():
    with pytest.raises(ValueError, match="preconditioning"):
        make_precond("ve")
