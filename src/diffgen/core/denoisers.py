"""One denoiser interface, and the empirical (memorizing) denoiser of a finite set.

A categorical :class:`Denoiser` maps ``(x_t (B, L, q), t (B,) integer steps)`` to
the log of its estimate of E[x0 | x_t], per-position log-probabilities
(B, L, q); log space lets measurements take KL divergences without
re-normalising. Samplers, losses and measurements only see this interface, so a
trained network, an exact oracle and the empirical denoiser are interchangeable.

:func:`empirical_mean` is the exact posterior mean when the data distribution is
the uniform distribution on a finite set and x_t = a·x0 + √v·ε (Gaussian
noising): x̂0 = Σ_μ softmax_μ(−|x_t − a·x0^μ|² / 2v)·x0^μ. Every study's
"memorizing" or "optimal" denoiser of a training set is this formula.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import torch


class Denoiser(ABC):
    """Common interface: ``log_probs(x_t, t)`` with t a (B,) tensor of steps."""

    name: str = "denoiser"

    @abstractmethod
    def log_probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """Log of the x0 estimate, (B, L, q) float32."""

    def probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.log_probs(x_t, t).exp()


class EmpiricalMean:
    """x̂0 of the uniform distribution on ``points`` (P, D) under x_t = a·x0 + √v·ε.

    |x_t − a x0|² = |x_t|² − 2a x_t·x0 + a²|x0|²: the first term is the same for
    every point and drops out of the softmax; the last is kept only when the
    points' norms differ (for one-hot data they are all equal). Rows are
    processed in chunks; the softmax is max-shifted, in the points' dtype.
    """

    def __init__(self, points: torch.Tensor, chunk: int = 4096) -> None:
        self.points = points.flatten(1)
        norms = (self.points * self.points).sum(dim=1)
        self.half_norms = None if bool((norms == norms[0]).all()) else 0.5 * norms
        self.chunk = chunk

    def _per_row(self, value, rows: int, device) -> torch.Tensor:
        value = torch.as_tensor(value, dtype=torch.float64, device=device).reshape(-1)
        return value.expand(rows) if value.numel() == 1 else value

    @torch.no_grad()
    def weights_logits(self, x_t: torch.Tensor, a, v) -> torch.Tensor:
        """Softmax logits (B, P) over the points; ``a``, ``v`` are (B,) or scalars.

        The coefficients a/v and a²/v are formed in float64, then cast.
        """
        flat = x_t.flatten(1).to(self.points.dtype)
        a = self._per_row(a, flat.shape[0], flat.device)
        v = self._per_row(v, flat.shape[0], flat.device)
        dtype = self.points.dtype
        logits = (a / v).to(dtype).view(-1, 1) * (flat @ self.points.T)
        if self.half_norms is not None:
            logits = logits - (a * a / v).to(dtype).view(-1, 1) * self.half_norms
        return logits

    @torch.no_grad()
    def __call__(self, x_t: torch.Tensor, a, v) -> torch.Tensor:
        """x̂0 with the shape of ``x_t``; ``a``, ``v`` are (B,) or scalars."""
        a = self._per_row(a, x_t.shape[0], x_t.device)
        v = self._per_row(v, x_t.shape[0], x_t.device)
        out = []
        for rows in torch.split(torch.arange(x_t.shape[0], device=x_t.device), self.chunk):
            weights = torch.softmax(self.weights_logits(x_t[rows], a[rows], v[rows]), dim=-1)
            out.append(weights @ self.points)
        if not out:
            return torch.zeros_like(x_t)
        return torch.cat(out).view(x_t.shape).to(x_t.dtype)
