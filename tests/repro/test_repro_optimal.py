"""Ground-truth denoisers D_N and D* against exact references (spec §8)."""

import numpy as np
import torch
from conftest import paper_settings

from diffgen.repro import measures, molrg
from diffgen.repro.optimal import Empirical, MoLRGOptimal

R, K, D = 4, 2, 6
ENERGY = paper_settings("repro", "jacobian")["energy"]  # the paper's rank rule


def _basis():
    return torch.from_numpy(molrg.basis(R, K, D, seed=0))


def dense_posterior_mean(u, x, sigma):
    """Σ_k p(k|x) Σ_k(Σ_k + σ²I)⁻¹x with Σ_k = U_kU_kᵀ, by dense linear algebra."""
    n = u.shape[0]
    logp, means = [], []
    for k in range(K):
        uk = u[:, k * D : (k + 1) * D]
        cov = uk @ uk.T + sigma**2 * torch.eye(n, dtype=torch.float64)
        dist = torch.distributions.MultivariateNormal(torch.zeros(n, dtype=torch.float64), cov)
        logp.append(dist.log_prob(x))
        means.append(x @ torch.linalg.solve(cov, uk @ uk.T).T)
    w = torch.softmax(torch.stack(logp, 1), dim=1)
    return sum(w[:, k : k + 1] * means[k] for k in range(K))


def test_molrg_optimal_equals_dense_posterior_mean():
    u = _basis()
    opt = MoLRGOptimal(u, K, D)
    g = torch.Generator().manual_seed(0)
    for sigma in (0.01, 1.0, 100.0):
        x0 = torch.from_numpy(molrg.sample(u.numpy(), K, D, 8, seed=5))
        x = x0 + sigma * torch.randn(x0.shape, generator=g, dtype=torch.float64)
        torch.testing.assert_close(opt(x, sigma), dense_posterior_mean(u, x, sigma),
                                   atol=1e-10, rtol=0)  # fmt: skip


def test_molrg_optimal_jacobian_ranks_exact():
    u = _basis()
    opt = MoLRGOptimal(u, K, D)
    x0 = torch.from_numpy(molrg.sample(u.numpy(), K, D, 10, seed=7, held_out=True))
    g = torch.Generator().manual_seed(1)
    for sigma, expected in ((0.002, D / 48), (100.0, K * D / 48)):
        x = x0 + sigma * torch.randn(x0.shape, generator=g, dtype=torch.float64)
        sigmas = torch.full((10,), sigma, dtype=torch.float64)
        ranks = measures.jacobian_ranks(opt, x, sigmas, ENERGY)
        assert np.all(ranks == expected), (sigma, ranks)


def test_empirical_limits_chunks_and_shift():
    g = torch.Generator().manual_seed(0)
    y = torch.randn(50, 3, 4, 4, generator=g, dtype=torch.float64)
    dn = Empirical(y)
    x = torch.randn(20, 3, 4, 4, generator=g, dtype=torch.float64)
    near = torch.cdist(x.flatten(1), y.flatten(1)).argmin(1)
    torch.testing.assert_close(dn(x, 1e-3), y[near], atol=1e-10, rtol=0)
    torch.testing.assert_close(dn(x, 1e6), y.mean(0).expand_as(x), atol=1e-8, rtol=0)
    torch.testing.assert_close(Empirical(y, chunk=3)(x, 0.7), dn(x, 0.7), atol=1e-12, rtol=0)
    shift = 5.0
    torch.testing.assert_close(Empirical(y + shift)(x + shift, 0.7), dn(x, 0.7) + shift,
                               atol=1e-10, rtol=0)  # fmt: skip


def test_empirical_matches_naive_softmax():
    g = torch.Generator().manual_seed(2)
    y = torch.randn(30, 5, generator=g, dtype=torch.float64)
    x = torch.randn(7, 5, generator=g, dtype=torch.float64)
    sigma = torch.tensor([0.05, 0.1, 0.3, 1, 3, 10, 100], dtype=torch.float64)
    w = torch.softmax(-(torch.cdist(x, y) ** 2) / (2 * sigma.view(-1, 1) ** 2), dim=1)
    torch.testing.assert_close(Empirical(y)(x, sigma), w @ y, atol=1e-10, rtol=0)
