"""The two ground-truth denoisers D(x; σ) ≈ E[x0 | x0 + σε], batched over rows.

:class:`Empirical` is the optimal denoiser of the uniform law on N training
samples (D_N, the reference's ``optimal_solver``): a softmax over the samples
of −‖x − y_i‖²/(2σ²), max-shifted over the whole set, in float64 by default.
:class:`MoLRGOptimal` is the optimal denoiser D* of a mixture of K zero-mean
Gaussians N(0, U_kU_kᵀ) with equal weights. Both take x (B, ...) and σ (B,) or
a number and return x's shape and dtype.
"""

from __future__ import annotations

import torch

from diffgen.core.denoisers import EmpiricalMean


def _sigmas(sigma, rows: int, device) -> torch.Tensor:
    value = torch.as_tensor(sigma, dtype=torch.float64, device=device).reshape(-1)
    return value.expand(rows) if value.numel() == 1 else value


class Empirical:
    """D_N of ``samples`` (N, ...): Σ_i softmax_i(−‖x − y_i‖²/2σ²) y_i.

    The exact posterior mean of the uniform law on the samples; the core's
    :class:`EmpiricalMean` with a = 1, v = σ² (rows in chunks of ``chunk``).
    """

    def __init__(self, samples: torch.Tensor, dtype=torch.float64, chunk: int = 1024) -> None:
        self.samples = samples.flatten(1).to(dtype)
        self.mean = EmpiricalMean(self.samples, chunk=chunk)

    def __call__(self, x: torch.Tensor, sigma, labels=None) -> torch.Tensor:
        flat = x.flatten(1).to(self.samples.dtype)
        s = _sigmas(sigma, len(x), x.device)
        return self.mean(flat, 1.0, s * s).reshape(x.shape).to(x.dtype)


class MoLRGOptimal:
    """D* of the MoLRG with basis ``u`` (n, K·d): Σ_k w_k U_kU_kᵀx/(1+σ²).

    w = softmax_k(‖U_kᵀx‖²/(2σ²(1+σ²))), computed in ``dtype`` (float64 default).
    """

    def __init__(self, u: torch.Tensor, K: int, d: int, dtype=torch.float64) -> None:
        self.u = torch.as_tensor(u).to(dtype)
        self.K, self.d = K, d

    def __call__(self, x: torch.Tensor, sigma, labels=None) -> torch.Tensor:
        flat = x.flatten(1).to(self.u.dtype)
        s2 = _sigmas(sigma, len(x), x.device).to(self.u.dtype) ** 2
        coords = (flat @ self.u).view(len(x), self.K, self.d)  # U_kᵀx per class
        logits = (coords * coords).sum(-1) / (2 * s2 * (1 + s2)).view(-1, 1)
        w = torch.softmax(logits, dim=-1)
        blocks = self.u.view(-1, self.K, self.d)  # (n, K, d)
        out = torch.einsum("bk,bkd,nkd->bn", w, coords, blocks) / (1 + s2).view(-1, 1)
        return out.reshape(x.shape).to(x.dtype)
