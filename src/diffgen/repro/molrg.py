"""Mixture of low-rank Gaussians (MoLRG), generated exactly from seeds.

n = 3r²; the basis is the left singular vectors of an n×n N(0,1) matrix drawn
from ``basis_seed``; class k spans columns [kd, (k+1)d). Class k draws its
coefficients a ~ N(0, I_d) from its own stream (numpy PCG64 seeded with
(seed, k)), row by row, so any size is a prefix of a larger one. Rows are
interleaved (row i is class i mod K), so the size-N set is the first N rows of
every larger set and holds N/K rows per class. Vectors are viewed as (r, r, 3)
and stored CHW, like the reference; the stored basis is permuted to match.
"""

from __future__ import annotations

import numpy as np

from diffgen.core.errors import ConfigError


def check_shape(r: int, K: int, d: int) -> None:
    if K * d > 3 * r * r:
        raise ConfigError(f"MoLRG K·d = {K * d} exceeds n = 3r² = {3 * r * r}")


def chw_order(r: int) -> np.ndarray:
    """Index map: chw_flat = hwc_flat[order] for an (r, r, 3) vector."""
    return np.arange(3 * r * r).reshape(r, r, 3).transpose(2, 0, 1).reshape(-1)


def basis(r: int, K: int, d: int, seed: int) -> np.ndarray:
    """The K·d orthonormal columns (n, K·d), float64, rows in CHW order."""
    check_shape(r, K, d)
    n = 3 * r * r
    matrix = np.random.default_rng(seed).standard_normal((n, n))
    u, _, _ = np.linalg.svd(matrix)
    return np.ascontiguousarray(u[:, : K * d][chw_order(r)])


def coefficients(seed: int, k: int, count: int, d: int, held_out: bool = False) -> np.ndarray:
    """The first ``count`` rows (count, d) of class k's training or held-out stream."""
    key = [seed, k, 1] if held_out else [seed, k]
    return np.random.default_rng(key).standard_normal((count, d))


def sample(u: np.ndarray, K: int, d: int, N: int, seed: int, held_out: bool = False) -> np.ndarray:
    """The size-N set (N, n) float64: rows interleaved by class, N/K per class.

    ``held_out`` draws from independent streams (fresh points of the same law).
    """
    if N % K:
        raise ConfigError(f"MoLRG set size N = {N} is not a multiple of K = {K}")
    per = N // K
    out = np.empty((N, u.shape[0]))
    for k in range(K):
        out[k::K] = coefficients(seed, k, per, d, held_out) @ u[:, k * d : (k + 1) * d].T
    return out


def as_images(x: np.ndarray, r: int) -> np.ndarray:
    """(N, n) CHW-ordered vectors as float32 images (N, 3, r, r)."""
    return x.astype(np.float32).reshape(-1, 3, r, r)


def subspace_residual(x: np.ndarray, u: np.ndarray, K: int, d: int) -> np.ndarray:
    """min_k ‖x − U_kU_kᵀx‖ / ‖x‖ per row of x (N, n)."""
    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    norms = np.linalg.norm(x, axis=1)
    best = np.full(len(x), np.inf)
    for k in range(K):
        uk = u[:, k * d : (k + 1) * d]
        best = np.minimum(best, np.linalg.norm(x - (x @ uk) @ uk.T, axis=1))
    return best / np.maximum(norms, 1e-300)
