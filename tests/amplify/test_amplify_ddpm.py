"""Fig 5's ε-UNet (parameter counts, CFG) and DPM-Solver++ against the exact ODE solution."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import paper_settings

from diffgen.amplify.dpmsolver import DiscreteVP, net_time, sample, time_steps
from diffgen.amplify.epsunet import EpsUNet, EpsUNetConfig, guided_eps, parameter_count

#: Fig 5's ε-UNet at paper scale (config.yaml, schema defaults).
PAPER = paper_settings("amplify", "figures", "fig5", "network")
ORDER = paper_settings("amplify", "figures", "fig5")["order"]  # the paper's solver order
SMALL = {**PAPER, "ch": 32, "ch_mult": (1, 2), "num_res_blocks": 1}


@pytest.mark.parametrize("T", [500, 1000])
def test_parameter_counts(T):
    with torch.device("meta"):
        big = EpsUNet(EpsUNetConfig(T=T, num_labels=2, **PAPER))
    assert parameter_count(big) == 47_635_587 + 128 * T
    small = EpsUNet(EpsUNetConfig(T=T, num_labels=2, **SMALL))
    assert parameter_count(small) == 875_843 + 32 * T


def test_forward_and_guidance():
    torch.manual_seed(0)
    model = EpsUNet(EpsUNetConfig(T=100, num_labels=2, **SMALL))
    model.eval()
    x, t, label = torch.randn(3, 3, 8, 8), torch.tensor([0, 50, 99]), torch.tensor([1, 2, 1])
    eps_u = model(x, t, torch.zeros_like(label))
    eps_c = model(x, t, label)
    assert eps_c.shape == x.shape
    assert torch.allclose(guided_eps(model, x, t, label, 0.0), eps_u, atol=1e-5)
    assert torch.allclose(guided_eps(model, x, t, label, 1.0), eps_c, atol=1e-5)
    assert torch.allclose(guided_eps(model, x, t, label, 3.0), eps_u + 3 * (eps_c - eps_u),
                          atol=1e-4)  # fmt: skip


@pytest.mark.parametrize("T", [500, 1000])
def test_time_maps(T):
    taus = torch.tensor([1.0, 0.5, 1.0 / T])
    assert net_time(taus, T, "exact").tolist() == [T - 1, T // 2 - 1, 0]
    ref = net_time(taus, T, "reference").tolist()
    expected_top = min(round(1000 * (1 - 1 / T)), T - 1)
    assert ref == [expected_top, min(round(1000 * (0.5 - 1 / T)), T - 1), 0]
    if T == 1000:
        assert ref == [999, 499, 0]
    else:
        # the reference's map saturates above τ ≈ T/1000 for T < 1000
        assert net_time(torch.tensor([0.75]), T, "reference").tolist() == [T - 1]
    # every input ≤ 1 after ×1000: scaled by T − 1 first (the reference's wrapper)
    assert net_time(torch.tensor([1.0 / T + 0.0004]), T, "reference").tolist() == [
        round(0.4 * (T - 1))
    ]


def test_logsnr_spacing():
    vp = DiscreteVP(np.linspace(1e-4, 0.028, 200))
    taus = time_steps(vp, 10)
    lams = np.array([vp.lam(t) for t in taus])
    assert taus[0] == 1.0 and taus[-1] == 1 / 200
    assert np.allclose(np.diff(lams), np.diff(lams)[0], rtol=1e-6)


def test_converges_to_exact_ode_solution_on_gaussian_data():
    """x0 ~ N(m, s²): the exact ε and the probability-flow ODE map are closed-form."""
    m, s = 0.7, 0.3
    vp = DiscreteVP(np.linspace(1e-4, 0.028, 500))

    def eps(x, tau):
        alpha, sigma = vp.alpha_sigma(tau)
        return sigma * (x - alpha * m) / (alpha**2 * s**2 + sigma**2)

    def std(tau):
        alpha, sigma = vp.alpha_sigma(tau)
        return alpha, np.sqrt(alpha**2 * s**2 + sigma**2)

    x_T = torch.linspace(-3, 3, 11, dtype=torch.float64)
    a1, sd1 = std(1.0)
    a0, sd0 = std(1 / 500)
    exact = a0 * m + sd0 * (x_T - a1 * m) / sd1
    steps = (10, 20, 50, 200)
    errors = [float((sample(eps, x_T, vp, n, ORDER) - exact).abs().max()) for n in steps]
    assert errors[-1] < 1e-4
    assert errors == sorted(errors, reverse=True)
    first_order = float((sample(eps, x_T, vp, 50, order=1) - exact).abs().max())
    assert errors[2] < first_order / 20
