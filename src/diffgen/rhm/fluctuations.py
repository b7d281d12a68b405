"""Forward–backward measurements: what survives noising and denoising, level by level.

From x_0 with tree z, noise to t and come back: x' is a model's reverse chain
from t, or an exact posterior sample. Parsing x' gives z' (−1 where invalid);
keep_ℓ(t) is the mean over level-ℓ nodes of [z'_ℓ = z_ℓ], ℓ = 0 (the class) to
L (the leaves), an invalid node counting as changed. For BP the expectation
E[μ_ℓ(z_ℓ)] replaces the indicator: the same mean, less variance.

δ_i = [x'_i ≠ x_{0,i}] marks the changed leaves: the susceptibility χ(t) =
Var(Σ_i δ_i)/d over samples (large when changes come in big correlated
chunks) and C(r), the mean covariance of δ_i and δ_j at distance |i − j| = r.
"""

from __future__ import annotations

import numpy as np
import torch

from diffgen.rhm.rules import Tree


def keep_from_parse(parse: Tree, tree: Tree) -> np.ndarray:
    """(N, L+1) per string: share of level-ℓ nodes equal to the original's."""
    return np.stack([(p == z).mean(axis=1) for p, z in zip(parse, tree, strict=True)], axis=1)


def keep_from_marginals(log_marginals: list[torch.Tensor], tree: Tree) -> np.ndarray:
    """(N, L+1) per string: mean over level-ℓ nodes of μ_ℓ(z_ℓ)."""
    out = []
    for log_mu, z in zip(log_marginals, tree, strict=True):
        index = torch.as_tensor(z, device=log_mu.device).unsqueeze(-1)
        out.append(log_mu.gather(-1, index).squeeze(-1).exp().double().mean(dim=1).cpu().numpy())
    return np.stack(out, axis=1)


def changes(x_prime: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """δ (N, d) float64: 1 where a leaf changed."""
    return (np.asarray(x_prime) != np.asarray(x0)).astype(np.float64)


def susceptibility(delta: np.ndarray) -> float:
    """χ = Var(Σ_i δ_i)/d over samples (ddof 1)."""
    return float(delta.sum(axis=1).var(ddof=1) / delta.shape[1])


def correlations(delta: np.ndarray) -> np.ndarray:
    """C(r) for r = 0..d−1: mean over i of Cov(δ_i, δ_{i+r}) (ddof 1)."""
    centred = delta - delta.mean(axis=0, keepdims=True)
    cov = centred.T @ centred / (delta.shape[0] - 1)
    d = delta.shape[1]
    return np.array([np.diagonal(cov, offset=r).mean() for r in range(d)])


#: Bootstrap resamples of the strings behind the s.e. of χ and C(r).
BOOTSTRAP = 100


def bootstrap_se(delta: np.ndarray, seed: list[int]) -> tuple[float, np.ndarray]:
    """Bootstrap s.e. over strings (rows) of χ and of C(r), resamples drawn from ``seed``.

    One run's χ moves by about ±0.015 at 4,096 strings (spec §8): this is that
    spread, measured from the run itself, so one run can be read with its error.
    """
    rng = np.random.default_rng(seed)
    n = delta.shape[0]
    chis, corrs = [], []
    for _ in range(BOOTSTRAP):
        rows = delta[rng.integers(0, n, n)]
        chis.append(susceptibility(rows))
        corrs.append(correlations(rows))
    return float(np.std(chis, ddof=1)), np.std(corrs, axis=0, ddof=1)
