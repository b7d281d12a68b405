"""KL divergence between two denoisers' posteriors, in the paper's unit.

The reference implementation (and so every KL axis of the paper) sums the KL
over the 2^l positions of a sequence and clips both distributions at 1e-8
before the logarithm, without renormalising. The clip bounds what a very
confident wrong prediction can cost (at most log(1e8) ≈ 18.4 nats per symbol),
and the KL of two identical distributions stays exactly 0.
"""

from __future__ import annotations

import numpy as np
import torch

#: Lower clip of both distributions before the logarithm (the reference's eps).
CLIP = 1e-8


def sequence_kl(log_p: torch.Tensor, log_q: torch.Tensor, clip: float = CLIP) -> torch.Tensor:
    """KL(p ‖ q) per row: (B, L, q) log-probabilities twice -> (B,) nats per sequence.

    Summed over symbols and positions, both sides clipped below at ``clip``,
    computed in float64.
    """
    p = log_p.to(torch.float64).exp().clamp_min(clip)
    q = log_q.to(torch.float64).exp().clamp_min(clip)
    return (p * (p.log() - q.log())).sum(dim=(-2, -1))


def per_rep_means(values: np.ndarray | torch.Tensor, reps: int) -> np.ndarray:
    """Mean of per-row values within each noise repetition: rows r*N..(r+1)*N-1 -> (reps,)."""
    values = np.asarray(values, dtype=np.float64)
    return values.reshape(reps, -1).mean(axis=1)
