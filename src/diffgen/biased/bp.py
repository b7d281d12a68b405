"""Exact belief propagation on the grammar tree, batched in torch.

Given an external field ``h`` on the leaves (evidence ``exp(h_j[a])`` on leaf j
for symbol a), BP returns the exact posterior marginal of every leaf under the
grammar, and the log partition function ``log sum_x p(x) exp(sum_j h_j[x_j])``.

``BP_k`` (k = 1..l) replaces the top k levels by a factorised model: the root
emits each of the 2**k level-k nodes independently through the product of the
marginal child transitions along its path (left step ``M_L``, right step
``M_R``). ``BP_0`` is the full model, ``BP_l`` makes leaves independent given
the root.

Messages are normalised and kept both as probabilities (for fast contractions:
an outer product and one matrix product) and, where it matters, as logs (the
exact values). A contraction whose product underflows on some column (e.g.
evidence concentrated on a forbidden pair, or the huge fields of the last
diffusion steps) is recomputed there with an exact log-sum-exp over the
non-zero weights only, so BP stays exact and finite for any field, including
infinite ones.

Layout (an implementation detail): inside a block of columns every message is
symbol-major, ``(q, nodes, columns)``, so elementwise work runs over long
contiguous rows, and nodes are stored in bit-reversed order, so the left and
right children of a level are its first and second halves. CPU work runs in
blocks of columns small enough to stay in cache.
"""

from __future__ import annotations

import math

import numpy as np
import torch

#: Below this, a product may have lost precision: recompute exactly.
_UNDERFLOW = {torch.float64: 1e-200, torch.float32: 1e-25}

#: exp() arguments are raised to this floor: exp(floor) is still a normal number,
#: so exp never takes its (10-30x slower) underflow path. Relative to the largest
#: term (1) or to the underflow threshold, exp(floor) * q**2 is far below rounding.
_EXP_FLOOR = {torch.float64: -700.0, torch.float32: -86.0}

#: Bytes per column of a CPU block (4096 float32 columns): temporaries stay in cache.
_CPU_BLOCK_BYTES = 4096 * 4

#: Above this fraction of columns to recompute, recompute them all (no gather).
_DENSE_FALLBACK = 0.5


def _exp(log_x: torch.Tensor) -> torch.Tensor:
    """exp with arguments floored at _EXP_FLOOR (tiny positive instead of zero)."""
    return torch.exp(log_x.clamp_min(_EXP_FLOOR.get(log_x.dtype, -86.0)))


def _log(prob: torch.Tensor, zeros: bool) -> torch.Tensor:
    """log of probabilities; exact zeros (``zeros`` says whether any may occur) give -inf.

    log(0) is slow on the CPU, so zeros are floored first and filled in afterwards.
    """
    if not zeros:
        return torch.log(prob)
    out = torch.log(prob.clamp_min(torch.finfo(prob.dtype).tiny))
    return out.masked_fill_(prob == 0, -math.inf)


def _lse(terms: torch.Tensor, dim: int) -> torch.Tensor:
    """log-sum-exp over ``dim``; -inf where every term is -inf."""
    peak = terms.amax(dim=dim, keepdim=True)
    impossible = peak == -math.inf
    peak = peak.masked_fill(impossible, 0.0)
    out = torch.log(_exp(terms - peak).sum(dim=dim, keepdim=True)) + peak
    return out.masked_fill_(impossible, -math.inf).squeeze(dim)


class _Message:
    """A normalised message (q, ...): probabilities, and exact logs when they differ.

    ``log`` is None when ``log(prob)`` is exact: no entry underflowed, and the
    only zeros (if ``zeros``) are structural, i.e. exactly zero probabilities.
    ``exact`` marks a message that needed the exact path on most columns: the
    contractions fed by it go there directly (strong fields underflow at every level).
    """

    __slots__ = ("exact", "log", "prob", "zeros")

    def __init__(
        self,
        prob: torch.Tensor,
        log: torch.Tensor | None = None,
        zeros: bool = False,
        exact: bool = False,
    ) -> None:
        self.prob, self.log, self.zeros, self.exact = prob, log, zeros, exact

    def logs(self) -> torch.Tensor:
        return _log(self.prob, self.zeros) if self.log is None else self.log

    def halves(self) -> tuple[_Message, _Message]:
        """Left and right children of a level stored in bit-reversed node order."""
        half = self.prob.shape[1] // 2
        logs = (None, None) if self.log is None else (self.log[:, :half], self.log[:, half:])
        return (
            _Message(self.prob[:, :half], logs[0], self.zeros, self.exact),
            _Message(self.prob[:, half:], logs[1], self.zeros, self.exact),
        )

    def logs_at(self, columns: torch.Tensor | None) -> torch.Tensor:
        """Exact logs (q, len(columns)) of the flattened columns (all if None)."""
        source = self.prob if self.log is None else self.log
        flat = source.flatten(1)
        picked = flat if columns is None else flat[:, columns]
        return _log(picked, self.zeros) if self.log is None else picked


def _normalize_logs(log_msg: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Normalise log-messages over axis 0; return (normalised, log norm).

    A message that is -inf everywhere (evidence of probability zero) becomes
    uniform and contributes -inf to the log partition function.
    """
    q = log_msg.shape[0]
    peak = log_msg.amax(dim=0)
    impossible = peak == -math.inf
    peak = peak.masked_fill(impossible, 0.0)
    log_norm = torch.log(_exp(log_msg - peak).sum(dim=0)) + peak
    out = log_msg - log_norm
    if bool(impossible.any()):
        out = torch.where(impossible, -math.log(q), out)
        log_norm = log_norm.masked_fill(impossible, -math.inf)
    return out, log_norm


def _exact_lse(
    log_x: torch.Tensor, log_y: torch.Tensor, idx_x: torch.Tensor, idx_y: torch.Tensor, log_w
) -> torch.Tensor:
    """log sum_s exp(log_x[idx_x[k, s]] + log_y[idx_y[k, s]] + log_w[k, s]) -> (q_out, N)."""
    terms = log_x[idx_x] + log_y[idx_y] + log_w.unsqueeze(-1)
    return _lse(terms, dim=1)


class _Contraction:
    """out[k] = sum_{a,b} x[a] y[b] W[a, b, k] for normalised messages x, y.

    Fast path: the outer product of the probabilities times one (q_out, q*q)
    matrix. Exact path, on the columns where a non-structural output fell below
    the underflow threshold: a log-sum-exp over the non-zero weights of each
    output only (q_eff terms for the grammar, not q**2).
    """

    def __init__(self, weights: torch.Tensor) -> None:
        qx, qy, q_out = weights.shape
        self.q_out = q_out
        self.matrix = weights.reshape(qx * qy, q_out).T.contiguous()
        self.keep = weights.sum(dim=(0, 1)) > 0  # outputs not zero by construction
        self.all_kept = bool(self.keep.all())
        self.tiny = _UNDERFLOW.get(weights.dtype, 1e-25)
        support = [torch.nonzero(weights[:, :, k] > 0) for k in range(q_out)]
        width = max(1, max(len(s) for s in support))
        idx = torch.zeros(q_out, width, 2, dtype=torch.long)
        log_w = torch.full((q_out, width), -math.inf, dtype=weights.dtype)
        for k, pairs in enumerate(support):
            idx[k, : len(pairs)] = pairs.cpu()
            log_w[k, : len(pairs)] = torch.log(weights[pairs[:, 0], pairs[:, 1], k]).cpu()
        device = weights.device
        self.idx_x, self.idx_y = idx[..., 0].to(device), idx[..., 1].to(device)
        self.log_w = log_w.to(device)

    def __call__(self, x: _Message, y: _Message) -> tuple[_Message, torch.Tensor]:
        """Contract messages (q, *shape); return the normalised result and its log norm."""
        shape = x.prob.shape[1:]
        zeros = not self.all_kept
        columns = None
        if not (x.exact or y.exact):
            px, py = x.prob.flatten(1), y.prob.flatten(1)
            outer = (px.unsqueeze(1) * py.unsqueeze(0)).flatten(0, 1)
            total = self.matrix @ outer  # (q_out, N)
            lowest = total.amin(dim=1)
            low = lowest < self.tiny
            if zeros:
                low = low & self.keep
            if not bool(low.any()):
                norm = total.sum(dim=0)
                prob = (total / norm).view(self.q_out, *shape)
                return _Message(prob, None, zeros), torch.log(norm).view(shape)
            under = total < self.tiny
            if zeros:
                under = under & self.keep.unsqueeze(1)
            bad = under.any(dim=0)
            columns = torch.nonzero(bad).squeeze(1)
            if columns.numel() > _DENSE_FALLBACK * bad.numel():
                columns = None
        exact = _exact_lse(
            x.logs_at(columns), y.logs_at(columns), self.idx_x, self.idx_y, self.log_w
        )
        exact, exact_norm = _normalize_logs(exact)
        if columns is None:
            prob, log, log_norm = _exp(exact), exact, exact_norm
        else:
            norm = total.sum(dim=0)
            prob = total / norm
            log_norm = torch.log(norm)
            log = _log(prob, zeros)
            log[:, columns] = exact
            prob[:, columns] = _exp(exact)
            log_norm[columns] = exact_norm
        view = (self.q_out, *shape)
        message = _Message(prob.view(view), log.view(view), zeros, exact=columns is None)
        return message, log_norm.view(shape)


def _node_contract(
    log_x: torch.Tensor, mats: torch.Tensor, log_mats: torch.Tensor, tiny: float
) -> torch.Tensor:
    """log sum_a exp(log_x[j, a, c]) * mats[j, a, b] -> (nodes j, b, columns c), exact."""
    peak = log_x.amax(dim=1, keepdim=True)
    peak = torch.where(torch.isfinite(peak), peak, 0.0)
    total = mats.transpose(1, 2) @ _exp(log_x - peak)
    result = torch.log(total) + peak
    structural = (mats.sum(dim=1) == 0).unsqueeze(-1)  # (j, b, 1)
    bad = ((total < tiny) & ~structural).any(dim=1)  # (j, c)
    if bool(bad.any()):
        nodes, cols = torch.nonzero(bad, as_tuple=True)
        terms = log_x[nodes, :, cols].unsqueeze(-1) + log_mats[nodes]  # (n_bad, a, b)
        result[nodes, :, cols] = _lse(terms, dim=1)
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


def _bit_reversed(bits: int) -> torch.Tensor:
    """Permutation j -> j with its ``bits`` binary digits reversed (an involution)."""
    order = torch.arange(2**bits)
    out = torch.zeros_like(order)
    for b in range(bits):
        out |= ((order >> b) & 1) << (bits - 1 - b)
    return out


def _clean_field(field: torch.Tensor) -> torch.Tensor:
    """Turn +inf entries into hard evidence (0 there, -inf elsewhere in that leaf)."""
    pinned = torch.isposinf(field)
    if not bool(pinned.any()):
        return field
    hard = torch.where(pinned, 0.0, -math.inf).to(field.dtype)
    return torch.where(pinned.any(dim=-1, keepdim=True), hard, field)


class TreeBP:
    """Batched exact BP (or BP_k) for one grammar; cheap to build, reusable.

    float32 is the default (faster on CPU, agrees with float64 to ~1e-5);
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
        self._tiny = _UNDERFLOW.get(dtype, 1e-25)
        # M[parent, left, right] as W[x, y, out] for each message direction.
        self._up = _Contraction(M.permute(1, 2, 0))  # (left, right) -> parent
        self._to_left = _Contraction(M.permute(0, 2, 1))  # (parent, right) -> left
        self._to_right = _Contraction(M)  # (parent, left) -> right
        self._leaf_order = _bit_reversed(depth).to(self.device)
        if k > 0:
            paths = path_matrices(M, k)[_bit_reversed(k).to(self.device)]  # (2**k, root, node)
            self._paths = paths.contiguous(), torch.log(paths).contiguous()
            self._paths_t = (paths.transpose(1, 2).contiguous(), torch.log(paths).transpose(1, 2))

    # -- one block of columns, symbol-major ---------------------------------
    def _leaves(self, x: torch.Tensor) -> tuple[_Message, torch.Tensor]:
        """Normalise the field (q, L, C): leaf messages and their summed log norm (C,)."""
        log, norm = _normalize_logs(x)
        return _Message(_exp(log), log), norm.sum(dim=0)

    def _upward(self, leaves: _Message, log_z: torch.Tensor) -> tuple[list, torch.Tensor]:
        """Leaves -> level k: messages per level and the accumulated log norm."""
        up: list[_Message | None] = [None] * (self.depth + 1)
        up[self.depth] = leaves
        for level in range(self.depth - 1, self.k - 1, -1):
            left, right = up[level + 1].halves()
            up[level], norm = self._up(left, right)
            log_z = log_z + norm.sum(dim=0)
        return up, log_z

    def _top(self, up: list, log_z: torch.Tensor) -> tuple[_Message, torch.Tensor]:
        """Close the tree at the top; return (messages into level k from above, log Z)."""
        q, columns = self.q, log_z.shape[0]
        log_prior = -math.log(q)
        if self.k == 0:
            root = up[0].prob[:, 0]
            log_z = log_z + torch.log(root.sum(dim=0)) + log_prior
            prob = torch.full((q, 1, columns), 1.0 / q, dtype=self.dtype, device=self.device)
            return _Message(prob), log_z
        # Factorised top: f_j(a) = log sum_b P_j[a, b] exp(up_j(b)), nodes first.
        log_up = up[self.k].logs().transpose(0, 1)  # (2**k, q_node, C)
        f = _node_contract(log_up, *self._paths_t, self._tiny)  # (2**k, q_root, C)
        log_z = log_z + _lse(f.sum(dim=0) + log_prior, dim=0)
        # Cavity sums over the other nodes via prefix and suffix sums (no inf - inf).
        zero = torch.zeros_like(f[:1])
        prefix = torch.cat([zero, torch.cumsum(f, dim=0)[:-1]])
        suffix = torch.flip(torch.cat([zero, torch.cumsum(torch.flip(f, [0]), dim=0)[:-1]]), [0])
        cavity = prefix + suffix + log_prior
        down = _node_contract(cavity, *self._paths, self._tiny)  # sum over the root symbol
        down, _ = _normalize_logs(down.transpose(0, 1))
        return _Message(_exp(down), down), log_z

    def _downward(self, up: list, down: _Message) -> _Message:
        """Level k -> leaves; returns the messages arriving at the leaves from above."""
        for level in range(self.k, self.depth):
            left, right = up[level + 1].halves()
            to_left, _ = self._to_left(down, right)
            to_right, _ = self._to_right(down, left)
            prob = torch.cat([to_left.prob, to_right.prob], dim=1)
            zeros = to_left.zeros or to_right.zeros
            log = None
            if to_left.log is not None or to_right.log is not None:
                log = torch.cat([to_left.logs(), to_right.logs()], dim=1)
            down = _Message(prob, log, zeros, to_left.exact and to_right.exact)
        return down

    def _block(self, field: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(log marginals (C, L, q), log Z (C,)) of one block of rows."""
        x = torch.index_select(field.permute(2, 1, 0), 1, self._leaf_order)  # (q, L, C)
        leaves, log_z = self._leaves(x)
        up, log_z = self._upward(leaves, log_z)
        down, log_z = self._top(up, log_z)
        leaf_down = self._downward(up, down)
        log_marg, _ = _normalize_logs(leaf_down.logs() + leaves.log)
        return torch.index_select(log_marg.permute(2, 1, 0), 1, self._leaf_order), log_z

    def _run(self, field: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        field = _clean_field(field.to(device=self.device, dtype=self.dtype))
        block = _CPU_BLOCK_BYTES // field.element_size()
        if self.device.type != "cpu" or field.shape[0] <= block:
            return self._block(field)
        marg = torch.empty_like(field)
        log_z = field.new_empty(field.shape[0])
        for start in range(0, field.shape[0], block):
            rows = slice(start, start + block)
            marg[rows], log_z[rows] = self._block(field[rows])
        return marg, log_z

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
