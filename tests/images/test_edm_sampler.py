"""The EDM sampler against closed forms: Gaussian data, a single point, the empirical denoiser.

For data N(μ, s²I) the exact denoiser is D(x; σ) = μ + s²/(s²+σ²)·(x − μ) and
the probability-flow ODE maps x(σ_0) = σ_0·z to μ + s·(σ_0·z − μ)/√(s²+σ_0²)
exactly; for N(0, I) that is 80z/√6401 (spec §8 of the reproducibility study).
"""

import math

import pytest
import torch

from diffgen.core.denoisers import EmpiricalMean
from diffgen.core.seeding import seeded_noise
from diffgen.images.edm.sampler import (
    SamplerSettings,
    edm_sigmas,
    per_seed_latents,
    sample,
    seeded_latents,
)

SHAPE = (3, 4, 4)


def gaussian_denoiser(mu: float, s: float):
    def denoise(x, sigma, labels=None):
        sig = sigma.view(-1, *([1] * (x.ndim - 1)))
        return mu + s**2 / (s**2 + sig**2) * (x - mu)

    return denoise


def relative_error(steps: int, solver: str, mu=0.0, s=1.0) -> float:
    z = per_seed_latents(range(100_000, 100_016), SHAPE)
    x = sample(gaussian_denoiser(mu, s), z, SamplerSettings(steps=steps, solver=solver))
    exact = mu + s * (80 * z.double() - mu) / math.sqrt(s**2 + 80**2)
    return float((x - exact).norm() / exact.norm())


def test_time_steps_follow_the_rho_7_formula():
    sig = edm_sigmas(18, 0.002, 80.0, 7.0)
    assert sig.dtype == torch.float64 and sig.shape == (19,)
    i = torch.arange(18, dtype=torch.float64)
    expected = (80 ** (1 / 7) + i / 17 * (0.002 ** (1 / 7) - 80 ** (1 / 7))) ** 7
    assert torch.allclose(sig[:-1], expected, rtol=1e-14, atol=0)
    assert sig[0] == pytest.approx(80) and sig[17] == pytest.approx(0.002) and sig[18] == 0
    assert bool((sig[:-1].diff() < 0).all())


def test_heun_is_second_order_and_euler_first_order_on_gaussian_data():
    heun = {steps: relative_error(steps, "heun") for steps in (9, 18, 36, 72)}
    assert heun[18] == pytest.approx(0.045, abs=0.001)  # the spec's value
    assert heun[9] / heun[18] == pytest.approx(5.2, abs=0.05)
    for a, b in ((18, 36), (36, 72)):
        assert 3.5 <= heun[a] / heun[b] <= 5
    euler = {steps: relative_error(steps, "euler") for steps in (18, 36, 72)}
    for a, b in ((18, 36), (36, 72)):
        assert 1.8 <= euler[a] / euler[b] <= 2.1
    assert euler[36] > 5 * heun[36]
    # A non-centred Gaussian too.
    ratio = relative_error(18, "heun", 0.3, 0.5) / relative_error(36, "heun", 0.3, 0.5)
    assert 3.5 <= ratio <= 5


def test_evaluation_count_is_2n_minus_1_for_heun_and_n_for_euler():
    for solver, steps, nfe in (("heun", 18, 35), ("euler", 18, 18), ("heun", 6, 11)):
        calls = []

        def counting(x, sigma, labels=None, calls=calls):
            calls.append(float(sigma[0]))
            return torch.zeros_like(x)

        settings = SamplerSettings(steps=steps, solver=solver)
        sample(counting, torch.zeros(2, 3), settings)
        assert len(calls) == nfe == settings.nfe
        assert min(calls) == pytest.approx(0.002) and 0.0 not in calls


@pytest.mark.parametrize("solver", ["heun", "euler"])
def test_the_exact_denoiser_of_one_point_returns_that_point(solver):
    point = torch.randn(SHAPE, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    optimal = EmpiricalMean(point[None])
    denoiser = lambda x, sigma, labels=None: optimal(x, 1.0, sigma**2)  # noqa: E731
    out = sample(denoiser, seeded_latents(0, 8, SHAPE), SamplerSettings(steps=10, solver=solver))
    assert torch.allclose(out, point.expand_as(out), atol=1e-10, rtol=0)


def test_euler_with_the_empirical_denoiser_returns_training_samples():
    points = torch.randn(16, 8, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    optimal = EmpiricalMean(points)
    denoiser = lambda x, sigma, labels=None: optimal(x, 1.0, sigma**2)  # noqa: E731
    out = sample(denoiser, seeded_latents(3, 64, (8,)), SamplerSettings(solver="euler"))
    distance = torch.cdist(out, points).min(dim=1).values
    assert float(distance.max()) < 1e-6


def test_without_churn_sampling_is_deterministic_and_needs_no_seed():
    z = seeded_latents(4, 6, SHAPE)
    denoiser = gaussian_denoiser(0.1, 0.7)
    plain = sample(denoiser, z, SamplerSettings())
    assert torch.equal(plain, sample(denoiser, z, SamplerSettings(s_noise=1.003, s_max=50)))
    assert torch.equal(plain, sample(denoiser, z, SamplerSettings(), churn_seed=9))
    assert SamplerSettings(s_churn=0.0).gammas() == [0.0] * 18


def test_churn_gamma_window_and_noise_follow_algorithm_2():
    settings = SamplerSettings(steps=10, s_churn=40, s_min=0.05, s_max=50, s_noise=1.003)
    sig = settings.sigmas()
    gammas = settings.gammas()
    for s, g in zip(sig[:-1], gammas, strict=True):
        inside = 0.05 <= float(s) <= 50
        assert g == (pytest.approx(math.sqrt(2) - 1) if inside else 0.0)
    assert gammas[0] == 0.0 and gammas[-1] == 0.0 and any(gammas)
    assert SamplerSettings(steps=100, s_churn=10).gammas()[0] == pytest.approx(0.1)
    # One Euler step with D(x) = x: x_next is the churned x̂ = σ_0·z + √(t̂²−σ_0²)·S_noise·ε.
    one = SamplerSettings(steps=1, solver="euler", sigma_max=10, s_churn=0.2, s_noise=1.5)
    z = seeded_latents(0, 4, (5,))
    out = sample(lambda x, sigma, labels=None: x, z, one, churn_seed=7)
    t_hat = 10 * 1.2
    expected = 10 * z.double() + math.sqrt(t_hat**2 - 100) * 1.5 * seeded_noise(7, 0, 0, 4, (5,))
    assert torch.allclose(out, expected.double(), atol=1e-12)


def test_churn_is_seeded_batch_independent_and_needs_a_seed():
    z = seeded_latents(5, 10, SHAPE)
    denoiser = gaussian_denoiser(0.0, 0.5)
    settings = SamplerSettings(steps=12, s_churn=60, s_min=0.05, s_max=50, s_noise=1.003)
    with pytest.raises(ValueError, match="churn_seed"):
        sample(denoiser, z, settings)
    a = sample(denoiser, z, settings, churn_seed=1)
    assert torch.equal(a, sample(denoiser, z, settings, churn_seed=1, batch_size=3))
    assert not torch.equal(a, sample(denoiser, z, settings, churn_seed=2))
    assert not torch.equal(a, sample(denoiser, z, SamplerSettings(steps=12)))


def test_latents_are_per_seed_and_shared():
    z = per_seed_latents([100_000, 100_001, 100_002], SHAPE)
    again = per_seed_latents([100_002], SHAPE)
    assert torch.equal(z[2], again[0])
    assert torch.equal(z[0], torch.randn(SHAPE, generator=torch.Generator().manual_seed(100_000)))
    assert torch.equal(seeded_latents(3, 5, SHAPE), seeded_latents(3, 9, SHAPE)[:5])


def test_labels_and_batches_reach_the_denoiser_row_by_row_and_trajectory_is_kept():
    labels = torch.arange(7, dtype=torch.float64).view(7, 1)

    def shifted(x, sigma, labels):
        return labels.expand_as(x)  # the class mean: every sample ends at its label

    out, states = sample(shifted, seeded_latents(0, 7, (2,)), SamplerSettings(steps=5),
                         labels=labels, batch_size=3, trajectory=True)  # fmt: skip
    assert torch.allclose(out, labels.expand(7, 2), atol=1e-12)
    assert states.shape == (6, 7, 2) and torch.equal(states[-1], out)
    assert torch.allclose(states[0], 80 * seeded_latents(0, 7, (2,)).double())


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="solver"):
        SamplerSettings(solver="rk4")
    with pytest.raises(ValueError, match="step"):
        SamplerSettings(steps=0)
