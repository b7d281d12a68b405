"""ε-, x0- and v-prediction: exact targets convert to exact targets, in closed form.

With x_k = a x0 + s ε (a = √ᾱ_k, s = √(1 − ᾱ_k)) and v = a ε − s x0, the perfect
output of each parametrisation is known; converting it must give the perfect
output of the others. For Gaussian data x0 ~ N(0, diag λ) the exact ε-predictor is
ε̂ = s x/(a²λ + s²), whose x0 reading must be the posterior mean a λ x/(a²λ + s²).
"""

import itertools

import pytest
import torch
from conftest import paper_ddpm

from diffgen.images import objectives
from diffgen.images.objectives import (
    PREDICTIONS,
    EpsObjective,
    PredictionObjective,
    as_eps,
    convert,
    target,
)

DDPM = paper_ddpm()


def _draw(rows: int = 12, seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    x0 = torch.randn((rows, 1, 4, 4), generator=generator, dtype=torch.float64)
    eps = torch.randn((rows, 1, 4, 4), generator=generator, dtype=torch.float64)
    k = torch.tensor([0, 1, 2, 10, 100, 250, 400, 500, 700, 900, 998, 999][:rows])
    return x0, eps, k


def test_targets_are_the_noise_the_image_and_the_velocity():
    x0, eps, k = _draw()
    abar = DDPM.alpha_bar(k).view(-1, 1, 1, 1)
    assert torch.equal(target("eps", x0, eps, DDPM, k), eps)
    assert torch.equal(target("x0", x0, eps, DDPM, k), x0)
    v = abar.sqrt() * eps - (1 - abar).sqrt() * x0
    torch.testing.assert_close(target("v", x0, eps, DDPM, k), v, rtol=0, atol=1e-15)
    # The velocity has unit variance weight: |v|² + |x_k|² = |x0|² + |ε|² per pixel.
    x_k = DDPM.noise(x0, k, eps)
    torch.testing.assert_close(v**2 + x_k**2, x0**2 + eps**2, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("source,destination", list(itertools.product(PREDICTIONS, PREDICTIONS)))
def test_a_perfect_prediction_converts_to_the_perfect_one_in_every_parametrisation(
    source, destination
):
    x0, eps, k = _draw()
    x_k = DDPM.noise(x0, k, eps)
    perfect = target(source, x0, eps, DDPM, k)
    converted = convert(perfect, source, destination, x_k, DDPM, k)
    expected = target(destination, x0, eps, DDPM, k)
    # x0 from ε divides by a ≥ 0.0064 (k = 999), ε from x0 by s ≥ 0.01 (k = 0): float64 keeps 1e-10.
    torch.testing.assert_close(converted, expected, rtol=0, atol=1e-10)


def test_a_scalar_step_converts_like_a_step_per_row():
    x0, eps, _ = _draw()
    k = 300
    x_k = DDPM.noise(x0, k, eps)
    rows = torch.full((x0.shape[0],), k)
    for source, destination in itertools.permutations(PREDICTIONS, 2):
        out = target(source, x0, eps, DDPM, k)
        torch.testing.assert_close(
            convert(out, source, destination, x_k, DDPM, k),
            convert(out, source, destination, x_k, DDPM, rows),
            rtol=0,
            atol=0,
        )


def test_the_exact_gaussian_denoiser_reads_as_the_posterior_mean_in_every_parametrisation():
    lam = torch.logspace(-2, 0.5, 16, dtype=torch.float64).view(1, 1, 4, 4)
    x0, eps, k = _draw(seed=1)
    x0 = x0 * lam.sqrt()
    x_k = DDPM.noise(x0, k, eps)
    abar = DDPM.alpha_bar(k).view(-1, 1, 1, 1)
    a, s = abar.sqrt(), (1 - abar).sqrt()
    eps_hat = s * x_k / (a**2 * lam + s**2)
    mean = a * lam * x_k / (a**2 * lam + s**2)
    torch.testing.assert_close(convert(eps_hat, "eps", "x0", x_k, DDPM, k), mean, rtol=1e-9, atol=0)
    v_hat = convert(eps_hat, "eps", "v", x_k, DDPM, k)
    torch.testing.assert_close(v_hat, a * eps_hat - s * mean, rtol=0, atol=1e-12)

    def v_network(x, steps):
        return convert(s * x / (a**2 * lam + s**2), "eps", "v", x, DDPM, steps)

    torch.testing.assert_close(as_eps(v_network, "v", DDPM)(x_k, k), eps_hat, rtol=0, atol=1e-12)


def test_an_unknown_parametrisation_is_one_line():
    x0, eps, k = _draw()
    with pytest.raises(ValueError, match=r"prediction 'score' is not one of eps, x0, v"):
        target("score", x0, eps, DDPM, k)
    with pytest.raises(ValueError, match="not one of"):
        objectives.check("epsilon")


def test_the_eps_objective_is_the_eps_prediction_loss_draw_for_draw():
    ddpm = paper_ddpm(50)
    x0 = torch.randn(8, 1, 4, 4, generator=torch.Generator().manual_seed(2))

    def model(x, k):
        return 0.5 * x + 0.01 * k.view(-1, 1, 1, 1)

    losses = {}
    for name, objective in {
        "eps": PredictionObjective(ddpm, torch.device("cpu"), "eps"),
        "legacy": EpsObjective(ddpm, torch.device("cpu")),
        "x0": PredictionObjective(ddpm, torch.device("cpu"), "x0"),
        "v": PredictionObjective(ddpm, torch.device("cpu"), "v"),
    }.items():
        losses[name] = objective(model, x0, torch.Generator().manual_seed(7))
    assert torch.equal(losses["eps"], losses["legacy"])

    # The same draws, by hand: k ~ U{1..T−1}, then ε; each parametrisation's target.
    generator = torch.Generator().manual_seed(7)
    k = torch.randint(1, ddpm.T, (8,), generator=generator)
    eps = torch.randn(x0.shape, generator=generator)
    abar = ddpm.schedule.alpha_bars.float()[k].view(-1, 1, 1, 1)
    x_k = abar.sqrt() * x0 + (1 - abar).sqrt() * eps
    out = model(x_k, k)
    for name in PREDICTIONS:
        wanted = target(name, x0, eps, ddpm, k).float()
        torch.testing.assert_close(losses[name], ((out - wanted) ** 2).mean(), rtol=1e-6, atol=0)
