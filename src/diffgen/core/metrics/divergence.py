"""KL divergences: between distance histograms, and between per-position posteriors."""

from __future__ import annotations

import numpy as np
import torch


def distance_histogram(distances: np.ndarray, length: int) -> np.ndarray:
    """Normalised histogram of integer distances over the bins 0..length."""
    counts = np.bincount(np.asarray(distances, dtype=np.int64), minlength=length + 1)
    if counts.shape[0] != length + 1:
        raise ValueError(f"distances exceed the sequence length {length}")
    return counts / max(counts.sum(), 1)


def histogram_kl(p: np.ndarray, q: np.ndarray, floor: float = 1e-8) -> float:
    """KL(p || q) in nats with both histograms floored at ``floor`` (no renormalisation).

    The floor keeps the divergence finite when a bin is empty in q; it is the
    reference implementation's smoothing, documented in the README.
    """
    p = np.clip(np.asarray(p, dtype=np.float64), floor, 1.0)
    q = np.clip(np.asarray(q, dtype=np.float64), floor, 1.0)
    return float(np.sum(p * np.log(p / q)))


def positionwise_kl(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    """Mean over positions of KL(p_j || q_j), per row: (B, L, q) x2 -> (B,) nats.

    Terms with p = 0 contribute 0 (the limit), whatever q is.
    """
    p = log_p.exp()
    terms = torch.where(p > 0, p * (log_p - log_q), torch.zeros_like(p))
    return terms.sum(dim=-1).mean(dim=-1)


def mean_se(values: np.ndarray | torch.Tensor) -> tuple[float, float]:
    """Mean and standard error (ddof = 1; 0 for a single value), NaNs ignored."""
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    if values.size == 1:
        return float(values[0]), 0.0
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size))
