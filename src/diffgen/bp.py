"""Exact belief propagation on the grammar tree, batched in torch.

Given an external field ``h`` on the leaves (evidence ``exp(h_j[a])`` on leaf j
for symbol a), BP returns the exact posterior marginal of every leaf under the
grammar, and the log partition function ``log sum_x p(x) exp(sum_j h_j[x_j])``.

``BP_k`` (k = 1..l) replaces the top k levels by a factorised model: the root
emits each of the 2**k level-k nodes independently through the product of the
marginal child transitions along its path (left step ``M_L``, right step
``M_R``). ``BP_0`` is the full model, ``BP_l`` makes leaves independent given
the root.

Messages live in the log domain. Each contraction is done as a max-shifted
matrix product (fast) and recomputed with an exact log-sum-exp on the rare rows
where the product underflows (e.g. evidence concentrated on a forbidden pair),
so BP stays exact and finite for any field, including infinite ones.
"""

from __future__ import annotations

import math

import numpy as np
import torch

#: Below this, a max-shifted product may have lost precision: recompute exactly.
_UNDERFLOW = {torch.float64: 1e-200, torch.float32: 1e-25}


def _normalize(log_msg: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Normalise log-messages over the last axis; return (normalised, log norm).

    A message that is -inf everywhere (evidence of probability zero) becomes
    uniform and contributes -inf to the log partition function.
    """
    log_norm = torch.logsumexp(log_msg, dim=-1, keepdim=True)
    finite = torch.isfinite(log_norm)
    q = log_msg.shape[-1]
    safe = torch.where(finite, log_msg - torch.where(finite, log_norm, 0.0), -math.log(q))
    return safe, log_norm.squeeze(-1)


def _shift(log_x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (exp(log_x - max), max) with the max over the last axis."""
    peak = log_x.amax(dim=-1, keepdim=True)
    peak = torch.where(torch.isfinite(peak), peak, 0.0)
    return torch.exp(log_x - peak), peak


def _needs_exact(total: torch.Tensor, structural_zero: torch.Tensor) -> torch.Tensor:
    """Rows where some output underflowed although it is not zero by construction.

    Such an entry may carry all the posterior mass once multiplied by a strong
    field later on, so its row is recomputed exactly.
    """
    tiny = _UNDERFLOW.get(total.dtype, 1e-25)
    return ((total < tiny) & ~structural_zero).any(dim=-1)


def _pair_contract(
    log_x: torch.Tensor,
    log_y: torch.Tensor,
    weights: torch.Tensor,
    log_weights: torch.Tensor,
    structural_zero: torch.Tensor,
) -> torch.Tensor:
    """log sum_{i,j} exp(log_x[i] + log_y[j]) * weights[i*q + j, k], batched over leading axes."""
    px, shift_x = _shift(log_x)
    py, shift_y = _shift(log_y)
    outer = (px.unsqueeze(-1) * py.unsqueeze(-2)).flatten(-2)
    total = outer @ weights
    result = torch.log(total) + shift_x + shift_y
    bad = _needs_exact(total, structural_zero)
    if bool(bad.any()):
        joint = (log_x[bad].unsqueeze(-1) + log_y[bad].unsqueeze(-2)).flatten(-2)
        result[bad] = torch.logsumexp(joint.unsqueeze(-1) + log_weights, dim=-2)
    return result


def _matrix_contract(
    log_x: torch.Tensor,
    weights: torch.Tensor,
    log_weights: torch.Tensor,
    structural_zero: torch.Tensor,
) -> torch.Tensor:
    """log sum_i exp(log_x[..., j, i]) * weights[j, k, i] for per-node matrices (j = node)."""
    px, shift = _shift(log_x)
    total = torch.einsum("...ji,jki->...jk", px, weights)
    result = torch.log(total) + shift
    bad = _needs_exact(total, structural_zero)
    if bool(bad.any()):
        nodes = torch.nonzero(bad, as_tuple=True)[-1]
        exact = torch.logsumexp(log_x[bad].unsqueeze(-2) + log_weights[nodes], dim=-1)
        result[bad] = exact
    return result


def path_matrices(M: torch.Tensor, k: int) -> torch.Tensor:
    """(2**k, q, q) root-to-level-k transition matrices of the factorised model.

    Node j at level k is reached by the binary digits of j, most significant
    first, 0 = left (``M_L = sum_c M[:, :, c]``), 1 = right (``M_R = sum_b M[:, b, :]``).
    """
    q = M.shape[0]
    m_left, m_right = M.sum(dim=2), M.sum(dim=1)
    mats = torch.eye(q, dtype=M.dtype, device=M.device).expand(1, q, q)
    for _ in range(k):
        mats = torch.stack([mats @ m_left, mats @ m_right], dim=1).flatten(0, 1)
    return mats


def _clean_field(field: torch.Tensor) -> torch.Tensor:
    """Turn +inf entries into hard evidence (0 there, -inf elsewhere in that leaf)."""
    pinned = torch.isposinf(field)
    if not bool(pinned.any()):
        return field
    hard = torch.where(pinned, 0.0, -math.inf).to(field.dtype)
    return torch.where(pinned.any(dim=-1, keepdim=True), hard, field)


class TreeBP:
    """Batched exact BP (or BP_k) for one grammar; cheap to build, reusable.

    float32 is the default (4x faster on CPU, agrees with float64 to ~1e-5);
    pass ``dtype=torch.float64`` where exactness to 1e-10 matters.
    """

    def __init__(
        self,
        M: np.ndarray | torch.Tensor,
        depth: int,
        k: int = 0,
        device: str | torch.device = "cpu",
        dtype: torch.dtype = torch.float32,
    ) -> None:
        M = torch.as_tensor(np.asarray(M) if not torch.is_tensor(M) else M)
        M = M.to(device=device, dtype=dtype)
        q = M.shape[0]
        if M.shape != (q, q, q):
            raise ValueError(f"transition tensor must be (q, q, q), got {tuple(M.shape)}")
        if not 0 <= k <= depth:
            raise ValueError(f"BP_k needs 0 <= k <= depth={depth}, got k={k}")
        self.q, self.depth, self.k = q, depth, k
        self.device, self.dtype = torch.device(device), dtype

        def with_log(w: torch.Tensor, summed: int) -> tuple[torch.Tensor, ...]:
            """Weights, their logs, and the outputs that are zero whatever the input."""
            return w.contiguous(), torch.log(w).contiguous(), w.sum(dim=summed) == 0

        # Row index (left*q + right) -> parent: upward message to a parent.
        self._up = with_log(M.reshape(q, q * q).T, summed=0)
        # Row index (parent*q + right) -> left child; (parent*q + left) -> right child.
        self._to_left = with_log(M.permute(0, 2, 1).reshape(q * q, q), summed=0)
        self._to_right = with_log(M.reshape(q * q, q), summed=0)
        if k > 0:
            paths = path_matrices(M, k)  # (2**k, q_root, q_node)
            self._paths = with_log(paths, summed=-1)
            self._paths_t = with_log(paths.transpose(1, 2), summed=-1)

    def _upward(self, log_leaf: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
        """Leaves -> level k. Returns normalised messages per level and the log norm sum."""
        batch = log_leaf.shape[0]
        up: list[torch.Tensor | None] = [None] * (self.depth + 1)
        up[self.depth], log_z = _normalize(log_leaf)
        log_z = log_z.sum(dim=-1)
        for level in range(self.depth - 1, self.k - 1, -1):
            children = up[level + 1].view(batch, 2**level, 2, self.q)
            parent = _pair_contract(children[:, :, 0], children[:, :, 1], *self._up)
            up[level], norm = _normalize(parent)
            log_z = log_z + norm.sum(dim=-1)
        return up, log_z

    def _top(
        self, up: list[torch.Tensor], log_z: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Close the tree at the top; return (messages into level k from above, log Z)."""
        log_prior = -math.log(self.q)
        if self.k == 0:
            root_up = up[0][:, 0]
            log_z = log_z + torch.logsumexp(root_up + log_prior, dim=-1)
            down = torch.full_like(up[0], log_prior)
            return down, log_z
        # Factorised top: f_j(a) = log sum_b P_j[a, b] exp(up_j(b)).
        f = _matrix_contract(up[self.k], *self._paths)  # (B, 2**k, q_root)
        log_z = log_z + torch.logsumexp(f.sum(dim=1) + log_prior, dim=-1)
        # Cavity sums over the other nodes via prefix and suffix sums (no inf - inf).
        prefix, suffix = self._exclusive_sums(f)
        cavity = prefix + suffix + log_prior  # (B, 2**k, q_root)
        down = _matrix_contract(cavity, *self._paths_t)  # sum over the root symbol
        down, _ = _normalize(down)
        return down, log_z

    @staticmethod
    def _exclusive_sums(f: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Prefix and suffix sums excluding each node, safe for -inf entries."""
        zero = torch.zeros_like(f[:, :1])
        prefix = torch.cat([zero, torch.cumsum(f, dim=1)[:, :-1]], dim=1)
        rev = torch.flip(f, [1])
        suffix = torch.flip(torch.cat([zero, torch.cumsum(rev, dim=1)[:, :-1]], dim=1), [1])
        return prefix, suffix

    def _downward(self, up: list[torch.Tensor], down_k: torch.Tensor) -> torch.Tensor:
        """Level k -> leaves; returns the messages arriving at the leaves from above."""
        batch = down_k.shape[0]
        down = down_k
        for level in range(self.k, self.depth):
            children = up[level + 1].view(batch, 2**level, 2, self.q)
            to_left = _pair_contract(down, children[:, :, 1], *self._to_left)
            to_right = _pair_contract(down, children[:, :, 0], *self._to_right)
            down, _ = _normalize(torch.stack([to_left, to_right], dim=2).flatten(1, 2))
        return down

    def _run(self, field: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        field = _clean_field(field.to(device=self.device, dtype=self.dtype))
        up, log_z = self._upward(field)
        down_k, log_z = self._top(up, log_z)
        leaf_down = self._downward(up, down_k)
        log_marg, _ = _normalize(leaf_down + up[self.depth])
        return log_marg, log_z

    def _check(self, field: torch.Tensor) -> None:
        if field.ndim != 3 or field.shape[1:] != (2**self.depth, self.q):
            raise ValueError(
                f"field must be (batch, {2**self.depth}, {self.q}), got {tuple(field.shape)}"
            )

    @torch.no_grad()
    def log_marginals(self, field: torch.Tensor, chunk: int = 65536) -> torch.Tensor:
        """Posterior log-marginals (B, 2**l, q) of every leaf under the field."""
        self._check(field)
        parts = [self._run(part)[0] for part in torch.split(field, chunk)]
        return torch.cat(parts) if parts else field.new_zeros(field.shape)

    @torch.no_grad()
    def log_partition(self, field: torch.Tensor, chunk: int = 65536) -> torch.Tensor:
        """log sum_x p(x) exp(sum_j field_j[x_j]) per batch row (B,)."""
        self._check(field)
        parts = [self._run(part)[1] for part in torch.split(field, chunk)]
        return torch.cat(parts) if parts else field.new_zeros(field.shape[0])

    @torch.no_grad()
    def log_likelihood(self, sequences: torch.Tensor | np.ndarray) -> torch.Tensor:
        """Exact log p(x) of each (B, 2**l) integer sequence (-inf if impossible).

        Minus this is the Bethe free energy, exact on a tree.
        """
        seqs = torch.as_tensor(np.asarray(sequences), device=self.device, dtype=torch.long)
        field = torch.full((*seqs.shape, self.q), -math.inf, dtype=self.dtype, device=self.device)
        field.scatter_(-1, seqs.unsqueeze(-1), 0.0)
        return self.log_partition(field)


def diffusion_field(x_t: torch.Tensor, alpha_bar: torch.Tensor | float) -> torch.Tensor:
    """Field sqrt(abar)/(1 - abar) * x_t seen by the leaves under Gaussian noising.

    ``alpha_bar`` is a scalar or a per-row tensor (B,).
    """
    alpha_bar = torch.as_tensor(alpha_bar, dtype=torch.float64, device=x_t.device)
    scale = torch.sqrt(alpha_bar) / (1.0 - alpha_bar)
    if scale.ndim == 1:
        scale = scale.view(-1, 1, 1)
    return x_t.to(torch.float64) * scale
