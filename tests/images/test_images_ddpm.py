"""The ε-prediction DDPM: its schedule, and closed-form Gaussian checks of the loss and sampler.

For data x0 ~ N(0, diag λ), the exact noise predictor is
ε̂*(x, k) = √(1 − ᾱ_k) x / (ᾱ_k λ + 1 − ᾱ_k); its expected loss at k is
(1/d) Σ ᾱλ/(ᾱλ + 1 − ᾱ), and the DDPM sampler driven by it draws x0 with variance λ.
"""

import numpy as np
import pytest
import torch
from conftest import paper_ddpm

from diffgen.images.ddpm import EpsDDPM
from diffgen.images.loss import EvaluationNoise, mean_se, per_image_losses
from diffgen.images.objectives import EpsObjective
from diffgen.images.sampler import sample, shared_initial_noise

PAPER = paper_ddpm()


def exact_eps(ddpm: EpsDDPM, lam: torch.Tensor):
    def eps(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        abar = ddpm.alpha_bar(k).to(x.dtype).view(-1, *([1] * (x.ndim - 1)))
        return (1 - abar).sqrt() * x / (abar * lam + 1 - abar)

    return eps


def test_alpha_bar_matches_the_reference_values():
    expected = {200: 0.656347, 500: 0.0777967, 800: 0.00150752}
    for k, value in expected.items():
        assert float(PAPER.alpha_bar(k)) == pytest.approx(value, rel=2e-6)
    assert PAPER.T == 1000 and float(PAPER.alpha_bar(0)) == pytest.approx(1 - 1e-4)


def test_loss_evaluator_matches_the_gaussian_closed_form():
    torch.manual_seed(0)
    d, images = 64, 50
    lam = torch.logspace(-2, 0.5, d).view(1, 1, 1, d)
    x0 = torch.randn(images, 1, 1, d) * lam.sqrt()
    noise = EvaluationNoise(seed=3, count=images, shape=(1, 1, d), T=PAPER.T)
    losses = per_image_losses(exact_eps(PAPER, lam), x0, PAPER, noise, batch_size=4096)
    assert losses.shape == (PAPER.T, images)
    mean, se = mean_se(losses)
    abar = PAPER.schedule.alpha_bars.view(-1, 1)
    lam64 = lam.double().view(1, -1)
    expected = float((abar * lam64 / (abar * lam64 + 1 - abar)).mean())
    assert abs(mean - expected) < 4 * se, (mean, expected, se)
    # The noise is per step and shared: another model (here a constant one) sees the same ε.
    again = per_image_losses(exact_eps(PAPER, lam), x0, PAPER, noise, batch_size=333)
    np.testing.assert_allclose(again, losses, rtol=1e-6)


def test_sampler_driven_by_the_exact_predictor_draws_the_data_variance():
    """Four variances, each on 16 independent coordinates of 2048 samples (s.e. 0.8 %)."""
    lam = torch.tensor([0.1, 0.3, 1.0, 2.5]).repeat_interleave(16).view(1, 1, 1, 64)
    x_T = shared_initial_noise(seed=5, count=2048, shape=(1, 1, 64))
    (x0,) = sample([exact_eps(PAPER, lam)], x_T, PAPER, seed=5, batch_size=2048)
    variance = x0.double().pow(2).mean(dim=0).view(4, 16).mean(dim=1)
    np.testing.assert_allclose(variance.numpy(), [0.1, 0.3, 1.0, 2.5], rtol=0.05)


def test_identical_models_give_identical_samples_whatever_the_batching():
    ddpm = paper_ddpm(50)
    model = torch.nn.Conv2d(1, 1, 3, padding=1)
    twin = torch.nn.Conv2d(1, 1, 3, padding=1)
    twin.load_state_dict(model.state_dict())

    def as_eps(net):
        return lambda x, k: net(x)

    x_T = shared_initial_noise(seed=1, count=20, shape=(1, 8, 8))
    first, second = sample([as_eps(model), as_eps(twin)], x_T, ddpm, seed=9, batch_size=20)
    assert torch.equal(first, second)
    (batched,) = sample([as_eps(model)], x_T, ddpm, seed=9, batch_size=7)
    torch.testing.assert_close(batched, first, rtol=1e-5, atol=1e-6)
    (other_seed,) = sample([as_eps(model)], x_T, ddpm, seed=10, batch_size=20)
    assert not torch.allclose(other_seed, first)
    assert torch.equal(shared_initial_noise(1, 5, (1, 8, 8)), x_T[:5])


def test_last_reverse_steps_add_no_noise():
    ddpm = paper_ddpm(50)
    x, eps, z = torch.ones(2, 1, 2, 2), torch.zeros(2, 1, 2, 2), torch.full((2, 1, 2, 2), 5.0)
    for k in (0, 1):
        expected = x / (1 - ddpm.beta(k)) ** 0.5
        torch.testing.assert_close(ddpm.reverse_step(x, eps, k, z), expected)
    assert not torch.allclose(ddpm.reverse_step(x, eps, 2, z), x / (1 - ddpm.beta(2)) ** 0.5)


def test_training_objective_draws_every_step_but_zero():
    ddpm = paper_ddpm(40)
    seen = []

    def record(x, k):
        seen.append(k.clone())
        return torch.zeros_like(x)

    objective = EpsObjective(ddpm, torch.device("cpu"))
    generator = torch.Generator().manual_seed(0)
    for _ in range(20):
        loss = objective(record, torch.zeros(64, 1, 2, 2), generator)
    steps = torch.cat(seen)
    assert set(steps.tolist()) == set(range(1, 40))
    assert loss.item() == pytest.approx(1.0, rel=0.2)  # ε̂ = 0: the loss is E ε² = 1
