"""What exact BP gives a diffusion: the cavity denoiser and exact posterior samples.

The D3PM loss is minimised per leaf by y*_i(a) ∝ p(x0_i = a | x_t)/q(x_t,i | a),
the posterior of leaf i without its own evidence: BP's downward message ν↓_L.
Plugged into f(x_t, t, y) it makes every per-leaf reverse marginal
p(x_{t−1,i} | x_t) exact (the joint reverse step stays factorised): the oracle.
The leaf marginal μ_L would count the leaf's own evidence twice.

Exact posterior samples x' ~ p(x_0 | x_t) are drawn top-down: the root from
μ_0, then at every node with symbol a a production k ∝ Π_j ν↑_{l+1}(R_l[a,k,j]).
Their uniforms are the caller's (fix-noise seeding), one per node that chooses.
"""

from __future__ import annotations

import torch

from diffgen.core.denoisers import Denoiser
from diffgen.core.diffusion.d3pm import UniformSchedule, categorical
from diffgen.rhm.bp import Messages, TreeBP
from diffgen.rhm.rules import Shape


class CavityDenoiser(Denoiser):
    """log ν↓_L of exact BP given x_t (B, d, v one-hot) at steps t (B,)."""

    name = "bp"

    def __init__(self, bp: TreeBP, schedule: UniformSchedule) -> None:
        self.bp, self.schedule = bp, schedule

    @torch.no_grad()
    def log_probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        abar = self.schedule.alpha_bar(t.cpu())
        messages = self.bp.posterior(x_t.argmax(dim=-1), abar)
        return messages.cavity.to(x_t.device, torch.float32)


def choices_per_row(shape: Shape) -> int:
    """Uniforms one posterior sample uses: the root and every internal node's production."""
    return 1 + shape.internal_nodes


@torch.no_grad()
def posterior_sample(bp: TreeBP, messages: Messages, uniforms: torch.Tensor) -> list[torch.Tensor]:
    """Trees (levels (B, s^l)) drawn exactly from p(tree | evidence), uniforms (B, choices)."""
    sh = bp.grammar.shape
    uniforms = uniforms.to(bp.device)
    root = categorical(messages.marginal(0).exp(), uniforms[:, :1])
    levels, column = [root], 1
    for level in range(sh.L):
        parents = levels[-1]
        nodes = parents.shape[1]
        weights = bp.production_log_weights(messages.up[level + 1], level)  # (B, nodes, A, m)
        index = parents.view(*parents.shape, 1, 1).expand(-1, -1, 1, sh.m)
        chosen = weights.gather(2, index).squeeze(2)  # (B, nodes, m)
        probs = torch.softmax(chosen, dim=-1)
        k = categorical(probs, uniforms[:, column : column + nodes])
        column += nodes
        levels.append(bp.rules[level][parents, k].reshape(parents.shape[0], -1))
    return levels
