"""Study 3's measurements on flat sample batches (rows are samples).

* Similarity: the offline default is the cosine of per-sample centred vectors;
  its threshold τ is the ``quantile`` of the similarity over independent data
  pairs (computed, never hard-coded). SSCD descriptors (:mod:`diffgen.repro.sscd`)
  use the plain cosine and τ = 0.6.
* RP(A, B) = share of latents i with sim(x_i^A, x_i^B) > τ.
* Memorization ratio: share of samples whose nearest training sample is 3×
  closer than the second nearest (ℓ2); GL = 1 − ratio.
* Jacobian rank: least r whose top singular values hold 99 % of the Frobenius norm.
* On-subspace fraction (MoLRG): share with relative subspace residual < 0.1.
"""

from __future__ import annotations

import numpy as np
import torch


def centred(x: torch.Tensor) -> torch.Tensor:
    """Rows minus their own mean, unit norm (float64)."""
    x = x.flatten(1).to(torch.float64)
    x = x - x.mean(dim=1, keepdim=True)
    return x / x.norm(dim=1, keepdim=True).clamp_min(1e-300)


def centred_cosine(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Row-wise cosine of per-sample centred vectors (B,)."""
    return (centred(a) * centred(b)).sum(dim=1)


def cosine(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    a, b = a.flatten(1).double(), b.flatten(1).double()
    return (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1)).clamp_min(1e-300)


def calibrate_threshold(x: torch.Tensor, pairs: int, quantile: float, seed: int) -> float:
    """τ: the ``quantile`` of the centred cosine over ``pairs`` independent pairs of rows of x.

    Pairs (i, j), i ≠ j, are drawn uniformly with a CPU generator seeded by ``seed``.
    """
    g = torch.Generator().manual_seed(seed)
    n = len(x)
    i = torch.randint(0, n, (pairs,), generator=g)
    j = (i + torch.randint(1, n, (pairs,), generator=g)) % n
    sims = centred_cosine(x[i], x[j])
    return float(torch.quantile(sims, quantile))


def rp_score(sim: torch.Tensor, threshold: float) -> float:
    """Share of paired samples (same latent) whose similarity exceeds τ."""
    return float((sim > threshold).double().mean())


def two_nearest(x: torch.Tensor, train: torch.Tensor, chunk: int = 1024) -> torch.Tensor:
    """(B, 2) ℓ2 distances to the nearest and second-nearest training rows (float64)."""
    x, train = x.flatten(1).double(), train.flatten(1).double()
    out = []
    for rows in torch.split(x, chunk):
        dist = torch.cdist(rows, train)
        out.append(torch.topk(dist, 2, dim=1, largest=False).values)
    return torch.cat(out)


def memorized(x: torch.Tensor, train: torch.Tensor, ratio: float) -> torch.Tensor:
    """Per sample: nearest training distance < ``ratio`` × second-nearest (bool)."""
    d = two_nearest(x, train)
    return d[:, 0] < ratio * d[:, 1]


def memorization_ratio(x: torch.Tensor, train: torch.Tensor, ratio: float) -> float:
    return float(memorized(x, train, ratio).double().mean())


def effective_rank(singular_values: np.ndarray | torch.Tensor, energy: float) -> int:
    """Least r with √(Σ_{i≤r} s_i²) > energy·√(Σ s_i²) (values in any order)."""
    s = np.sort(np.abs(np.asarray(singular_values, dtype=np.float64)))[::-1]
    cumulative = np.sqrt(np.cumsum(s * s))
    return int(np.argmax(cumulative > energy * cumulative[-1]) + 1)


def jacobians(denoiser, x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """Batched ∂D(x_b; σ_b)/∂x_b, (B, n, n), reverse mode via torch.func."""
    from torch.func import jacrev, vmap

    shape = x.shape[1:]

    def one(row, s):
        return denoiser(row.view(1, *shape), s.view(1)).flatten()

    return vmap(jacrev(one))(x.flatten(1), sigma)


def jacobian_ranks(denoiser, x: torch.Tensor, sigma: torch.Tensor, energy: float) -> np.ndarray:
    """rank/n of each row's Jacobian."""
    jac = jacobians(denoiser, x, sigma).detach().double()
    values = torch.linalg.svdvals(jac).cpu().numpy()
    n = jac.shape[-1]
    return np.array([effective_rank(v, energy) / n for v in values])


def on_subspace_fraction(residuals: np.ndarray, tolerance: float = 0.1) -> float:
    return float(np.mean(np.asarray(residuals) < tolerance))
