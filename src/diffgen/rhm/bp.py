"""Exact belief propagation on the RHM tree, batched in torch, in the log domain.

The tree is exact (one parse per string), so one upward and one downward sweep
give every node's exact posterior marginal given leaf evidence e_i(a):

* upward, ν↑_L = e and ν↑_l(a, i) ∝ Σ_k Π_j ν↑_{l+1}(R_l[a,k,j], s·i+j);
* downward from the uniform root, ν↓_{l+1}(b, s·i+j) ∝ Σ_{a,k: R_l[a,k,j]=b}
  ν↓_l(a, i)·Π_{j'≠j} ν↑_{l+1}(R_l[a,k,j'], s·i+j');
* μ_l ∝ ν↑_l·ν↓_l.

Messages are returned as log-probabilities (B, s^l, symbols) normalised per
node. They are computed with products and sums of probabilities normalised at
every node, and any row where a message underflows to zero (strong evidence
on a deep tree in float32) is recomputed in the log domain, where ᾱ = 1
exactly (hard evidence, −inf logs) is exact too. A node whose evidence is
impossible keeps an all −inf message instead of NaNs. Any v, n, m, s, L;
float32 or float64 on any device. The sums over productions are gathers; the
downward scatter onto child symbols is a matrix product with a 0/1 matrix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from diffgen.rhm.rules import Grammar


def _normalise(log_messages: torch.Tensor) -> torch.Tensor:
    """Subtract each node's log-sum-exp; an all −inf node stays all −inf."""
    norm = torch.logsumexp(log_messages, dim=-1, keepdim=True)
    return log_messages - torch.where(torch.isfinite(norm), norm, torch.zeros_like(norm))


@dataclass
class Messages:
    """Log-messages per level l = 0..L, each (B, s^l, symbols(l))."""

    up: list[torch.Tensor]
    down: list[torch.Tensor]

    def marginal(self, level: int) -> torch.Tensor:
        """log μ_l, normalised per node."""
        return _normalise(self.up[level] + self.down[level])

    def marginals(self) -> list[torch.Tensor]:
        return [self.marginal(level) for level in range(len(self.up))]

    @property
    def cavity(self) -> torch.Tensor:
        """log ν↓_L (B, d, v): the leaf posterior without the leaf's own evidence."""
        return self.down[-1]


class TreeBP:
    """BP for one grammar on one device, in ``dtype`` (float64 for ground truth)."""

    def __init__(
        self,
        grammar: Grammar,
        device: str | torch.device = "cpu",
        dtype: torch.dtype = torch.float32,
    ) -> None:
        self.grammar, self.device, self.dtype = grammar, torch.device(device), dtype
        sh = grammar.shape
        self.rules = [torch.as_tensor(r, device=self.device) for r in grammar.rules]
        # gather[l]: for slot j and production (a, k), the column j·v + R_l[a,k,j] of a
        # parent's children laid out as (s·v,): one index_select reads every child factor.
        offsets = torch.arange(sh.s, device=self.device).view(1, 1, sh.s) * sh.v
        self.gather = [(r + offsets).permute(2, 0, 1).reshape(-1) for r in self.rules]
        # scatter[l]: (s, A·m, v), 1 where production (a, k) puts symbol b at slot j
        self.scatter = [
            torch.nn.functional.one_hot(r.permute(2, 0, 1).reshape(sh.s, -1), sh.v).to(dtype)
            for r in self.rules
        ]

    def leaf_log_evidence(
        self, tokens: torch.Tensor, alpha_bar: torch.Tensor | float
    ) -> torch.Tensor:
        """log e_i(a) = log(ᾱ·[a = x_i] + (1 − ᾱ)/v) for tokens (B, d), ᾱ scalar or (B,)."""
        v = self.grammar.shape.v
        abar = torch.as_tensor(alpha_bar, dtype=self.dtype, device=self.device)
        abar = abar.view(-1, 1, 1) if abar.ndim == 1 else abar
        one_hot = torch.nn.functional.one_hot(tokens.to(self.device).long(), v).to(self.dtype)
        return torch.log(abar * one_hot + (1.0 - abar) / v)

    def child_factors(self, up_child: torch.Tensor, level: int) -> torch.Tensor:
        """log ν↑_{l+1}(R_l[a,k,j], s·i+j) for every parent i: (B·nodes, s, A·m)."""
        sh = self.grammar.shape
        flat = up_child.reshape(-1, sh.s * sh.v)
        return flat.index_select(1, self.gather[level]).view(flat.shape[0], sh.s, -1)

    def production_log_weights(self, up_child: torch.Tensor, level: int) -> torch.Tensor:
        """log Π_j ν↑_{l+1}(R_l[a,k,j]) per parent node: (B, nodes, A, m)."""
        sh = self.grammar.shape
        total = self.child_factors(up_child, level).sum(dim=1)
        return total.view(up_child.shape[0], -1, sh.symbols(level), sh.m)

    def upward(self, log_evidence: torch.Tensor) -> list[torch.Tensor]:
        """Normalised log ν↑_l for l = 0..L from leaf log-evidence (B, d, v)."""
        return self._upward(log_evidence)[0]

    def _upward(self, log_evidence: torch.Tensor):
        """(ν↑ per level, child factors per level) — the downward sweep reuses the factors."""
        sh = self.grammar.shape
        up = [_normalise(log_evidence.to(self.device, self.dtype))]
        factors: list[torch.Tensor] = []
        for level in range(sh.L - 1, -1, -1):
            factors.insert(0, self.child_factors(up[0], level))
            total = factors[0].sum(dim=1).view(up[0].shape[0], -1, sh.symbols(level), sh.m)
            up.insert(0, _normalise(torch.logsumexp(total, dim=-1)))
        return up, factors

    def downward(self, up: list[torch.Tensor], factors=None) -> list[torch.Tensor]:
        """Normalised log ν↓_l for l = 0..L, from the uniform root."""
        sh = self.grammar.shape
        batch = up[0].shape[0]
        root = torch.full((batch, 1, sh.n), -math.log(sh.n), dtype=self.dtype, device=self.device)
        down = [root]
        for level in range(sh.L):
            if factors is None:
                level_factors = self.child_factors(up[level + 1], level)
            else:
                level_factors = factors[level]  # (B·nodes, s, A·m)
            parent = down[level].reshape(-1, 1, sh.symbols(level)).repeat_interleave(sh.m, dim=-1)
            weights = parent + _others(level_factors)
            peak = weights.amax(dim=-1, keepdim=True)
            peak = torch.where(torch.isfinite(peak), peak, torch.zeros_like(peak))
            mass = torch.exp(weights - peak).transpose(0, 1) @ self.scatter[level]  # (s, ·, v)
            children = torch.log(mass) + peak.transpose(0, 1)
            down.append(_normalise(children.transpose(0, 1).reshape(batch, -1, sh.v)))
        return down

    def run(self, log_evidence: torch.Tensor) -> Messages:
        """Both sweeps: every node's messages for a batch of leaf evidence.

        Computed with plain products and sums on messages normalised at every
        node (no exp/log per term: several times faster); a row where some
        node's message underflows to zero is redone exactly in the log domain.
        """
        log_evidence = log_evidence.to(self.device, self.dtype)
        up, down, lost = self._linear(log_evidence)
        messages = Messages(up=[_log(m) for m in up], down=[_log(m) for m in down])
        if bool(lost.any()):
            rows = lost.nonzero().squeeze(1)
            exact = self.run_log(log_evidence[rows])
            for level in range(len(up)):
                messages.up[level][rows] = exact.up[level]
                messages.down[level][rows] = exact.down[level]
        return messages

    def run_log(self, log_evidence: torch.Tensor) -> Messages:
        """Both sweeps in the log domain (exact for any evidence)."""
        up, factors = self._upward(log_evidence)
        return Messages(up=up, down=self.downward(up, factors))

    def _linear(self, log_evidence: torch.Tensor):
        """(ν↑, ν↓ per level as probabilities, rows where a message underflowed)."""
        sh = self.grammar.shape
        batch = log_evidence.shape[0]
        leaves, _ = _scaled(torch.exp(log_evidence - log_evidence.amax(-1, keepdim=True)))
        lost = torch.zeros(batch, dtype=torch.bool, device=self.device)
        up, factors = [leaves], []
        for level in range(sh.L - 1, -1, -1):
            factors.insert(0, self.child_factors(up[0], level))  # (B·nodes, s, A·m)
            total = factors[0].prod(dim=1).view(batch, -1, sh.symbols(level), sh.m).sum(-1)
            message, empty = _scaled(total)
            up.insert(0, message)
            lost |= empty.view(batch, -1).any(dim=1)
        down = [torch.full((batch, 1, sh.n), 1.0 / sh.n, dtype=self.dtype, device=self.device)]
        for level in range(sh.L):
            parent = down[level].reshape(-1, 1, sh.symbols(level)).repeat_interleave(sh.m, dim=-1)
            weights = parent * _others_product(factors[level])
            mass = weights.transpose(0, 1) @ self.scatter[level]  # (s, B·nodes, v)
            message, empty = _scaled(mass.transpose(0, 1).reshape(batch, -1, sh.v))
            down.append(message)
            lost |= empty.view(batch, -1).any(dim=1)
        return up, down, lost

    def posterior(self, tokens: torch.Tensor, alpha_bar: torch.Tensor | float) -> Messages:
        """Messages given noisy tokens x_t under the D3PM evidence of ᾱ_t."""
        return self.run(self.leaf_log_evidence(tokens, alpha_bar))


def _scaled(messages: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Messages normalised per node (last axis), and the nodes whose mass is zero."""
    total = messages.sum(dim=-1, keepdim=True)
    empty = total == 0
    return messages / torch.where(empty, torch.ones_like(total), total), empty.squeeze(-1)


def _log(messages: torch.Tensor) -> torch.Tensor:
    return torch.log(messages)


def _others_product(factors: torch.Tensor) -> torch.Tensor:
    """Π_{j' ≠ j} of factors (·, s, ·) along dim 1 (no division, so zeros are safe)."""
    s = factors.shape[1]
    if s == 2:
        return factors.flip(1)
    parts = [math.prod(factors[:, i] for i in range(s) if i != j) for j in range(s)]
    return torch.stack(parts, dim=1)


def _others(factors: torch.Tensor) -> torch.Tensor:
    """Σ_{j' ≠ j} of log factors (·, s, ·) along dim 1 (the cavity of slot j).

    Summed directly, never as a total minus one term: a −inf factor (hard
    evidence) then never meets another infinity.
    """
    s = factors.shape[1]
    if s == 2:
        return factors.flip(1)
    parts = [sum(factors[:, i] for i in range(s) if i != j) for j in range(s)]
    return torch.stack(parts, dim=1)
