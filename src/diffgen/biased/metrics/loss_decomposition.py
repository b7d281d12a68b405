"""Split the denoising cross-entropy into an oracle part and a data-specific part.

With the exact posterior x0_BP = E[x0 | x_t]:

    loss  = -x0 . log p_model
    l*    = -x0_BP . log p_model          (cross-entropy against the oracle)
    l~    = -(x0 - x0_BP) . log p_model   (zero mean on fresh data)

so loss = l* + l~ exactly, per position. Values are averaged over positions.
"""

from __future__ import annotations

import torch


def decompose(
    model_log_p: torch.Tensor, bp_log_p: torch.Tensor, x0: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Per-row (B,) total, l_star and l_tilde from (B, L, q) tensors."""
    bp = bp_log_p.exp()
    total = -(x0 * model_log_p).sum(-1).mean(-1)
    l_star = -(bp * model_log_p).sum(-1).mean(-1)
    l_tilde = -((x0 - bp) * model_log_p).sum(-1).mean(-1)
    return {"total": total, "l_star": l_star, "l_tilde": l_tilde}
