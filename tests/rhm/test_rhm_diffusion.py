"""Uniform D3PM (core): the spec's ᾱ values, forward noise, reverse posterior, loss, draws."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from rhm_support import one_thread  # noqa: F401 (autouse fixture)
from test_rhm_data import chi2_pvalue

from diffgen.core.diffusion.d3pm import (
    categorical,
    forward_probs,
    kl_loss,
    noise_tokens,
    posterior_probs,
    reverse_step,
    uniform_schedule,
)
from diffgen.core.seeding import seeded_uniform

SCHEDULE = uniform_schedule(200, 1e-3, 0.1)


def test_alpha_bars_are_the_specs():
    expected = {0: 0.999, 20: 0.8821, 50: 0.5025, 100: 0.07094, 200: 2.732e-5}
    for t, value in expected.items():
        assert float(SCHEDULE.alpha_bar(t)) == pytest.approx(value, rel=5e-4), t
    assert float(SCHEDULE.betas[0]) == pytest.approx(1e-3)
    assert float(SCHEDULE.betas[200]) == pytest.approx(0.1)
    assert SCHEDULE.T == 200
    # ᾱ_t = α_t ᾱ_{t−1}: q(x_t | x_0) is q(x_{t−1} | x_0) followed by one step.
    t = torch.arange(1, 201)
    assert torch.allclose(SCHEDULE.alpha_bar(t), SCHEDULE.alpha(t) * SCHEDULE.alpha_bar(t - 1))


def test_forward_noise_draws_follow_q():
    v, n = 8, 200_000
    x0 = torch.full((n, 1), 3)
    u = torch.rand((n, 1), generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    x_t = noise_tokens(x0, SCHEDULE.alpha_bar(50), v, u)
    counts = np.bincount(x_t.flatten().numpy(), minlength=v)
    expected = forward_probs(F.one_hot(torch.tensor([3]), v).double(), SCHEDULE.alpha_bar(50))
    assert chi2_pvalue(counts, n * expected[0].numpy()) > 0.01


def test_reverse_posterior_is_bayes_rule_for_a_known_x0():
    v, t = 5, 37
    alpha, abar_prev = float(SCHEDULE.alpha(t)), float(SCHEDULE.alpha_bar(t - 1))
    for x0 in range(v):
        for xt in range(v):
            prior = np.array([abar_prev * (b == x0) + (1 - abar_prev) / v for b in range(v)])
            like = np.array([alpha * (xt == b) + (1 - alpha) / v for b in range(v)])
            bayes = prior * like / (prior * like).sum()
            got = posterior_probs(
                F.one_hot(torch.tensor([[xt]]), v).double(), t,
                F.one_hot(torch.tensor([[x0]]), v).double(), SCHEDULE,
            )  # fmt: skip
            assert np.allclose(got[0, 0].numpy(), bayes, atol=1e-12)


def test_kl_loss_is_zero_at_x0_and_positive_elsewhere():
    v = 8
    x0 = F.one_hot(torch.randint(0, v, (16, 8)), v).double()
    x_t = F.one_hot(torch.randint(0, v, (16, 8)), v).double()
    t = torch.randint(1, 60, (16,))
    assert float(kl_loss(x_t, t, x0, x0, SCHEDULE)) == pytest.approx(0.0, abs=1e-12)
    y = torch.softmax(torch.randn(16, 8, v), dim=-1).double()
    per_row = kl_loss(x_t, t, x0, y, SCHEDULE, reduce=False)
    assert per_row.shape == (16,) and (per_row > 0).all()
    assert float(kl_loss(x_t, t, x0, y, SCHEDULE)) == pytest.approx(float(per_row.mean()))


def test_inverse_cdf_draws_and_fix_noise_reverse_steps():
    probs = torch.tensor([[0.1, 0.0, 0.6, 0.3]])
    u = torch.tensor([[0.0], [0.0999], [0.1001], [0.69], [0.71], [0.9999]]).squeeze(-1)
    assert categorical(probs.expand(6, -1), u).tolist() == [0, 0, 2, 2, 3, 3]
    v, d = 8, 8
    x_t = torch.randint(0, v, (3000, d), generator=torch.Generator().manual_seed(1))
    y = torch.softmax(torch.randn(3000, d, v, generator=torch.Generator().manual_seed(2)), -1)
    whole = reverse_step(x_t, 20, y, SCHEDULE, seeded_uniform(0, 20, 0, 3000, (d,)))
    parts = [
        reverse_step(x_t[a:b], 20, y[a:b], SCHEDULE, seeded_uniform(0, 20, a, b, (d,)))
        for a, b in ((0, 1000), (1000, 2500), (2500, 3000))
    ]
    assert torch.equal(whole, torch.cat(parts))
