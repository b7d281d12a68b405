"""The Bayes-optimal denoiser of the grammar (exact BP, k = 0) and its BP_k simplifications."""

from __future__ import annotations

import numpy as np
import torch

from diffgen.biased.bp import TreeBP
from diffgen.biased.field import diffusion_field
from diffgen.core.denoisers import Denoiser
from diffgen.core.diffusion.gaussian import Schedule


class BPDenoiser(Denoiser):
    """x0-posterior marginals of every leaf under the grammar (k = 0) or BP_k."""

    def __init__(
        self,
        M: np.ndarray,
        depth: int,
        schedule: Schedule,
        k: int = 0,
        device: str | torch.device = "cpu",
        dtype: torch.dtype = torch.float32,
    ) -> None:
        self.bp = TreeBP(M, depth, k=k, device=device, dtype=dtype)
        self.schedule = schedule
        self.name = f"bp{k}"

    def log_probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        abar = self.schedule.alpha_bar(t.cpu())
        field = diffusion_field(x_t, abar.to(x_t.device))
        return self.bp.log_marginals(field).float().to(x_t.device)


def grammar_oracle(job, k: int = 0) -> BPDenoiser:
    """BP_k of a job context's grammar, on its device, at its schedule."""
    g = job.grammar
    return BPDenoiser(g.M, g.l, job.schedule, k=k, device=job.device)
