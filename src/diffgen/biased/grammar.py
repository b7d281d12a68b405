"""The filtered hierarchical grammar: transition tensor and vectorised tree sampling.

A sequence is the 2**l leaves of a binary tree. Every node carries a symbol in
``0..q-1``; a node with symbol ``a`` emits its (left, right) children with
probability ``M[a, left, right]``. Each parent owns ``q_eff`` allowed child
pairs taken from one shuffled partition of the q**2 pairs, so a pair determines
its parent and the grammar is unambiguous bottom-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from diffgen.core.errors import ConfigError

#: Sequences drawn per independently seeded chunk. Chunking makes the pool
#: prefix-stable: the first N sequences do not depend on how many are drawn.
CHUNK_SIZE = 100_000


@dataclass(frozen=True)
class Grammar:
    """Parameters and transition tensor of one grammar."""

    q: int
    l: int
    sigma: float
    q_eff: int
    seed: int
    M: np.ndarray  # (q, q, q) float64: M[parent, left, right]

    @property
    def length(self) -> int:
        """Number of leaves, i.e. the sequence length 2**l."""
        return 2**self.l

    @property
    def pair_parent(self) -> np.ndarray:
        """(q, q) int array: the parent owning each (left, right) pair, -1 if forbidden."""
        owner = np.full((self.q, self.q), -1, dtype=np.int64)
        for parent in range(self.q):
            owner[self.M[parent] > 0] = parent
        return owner

    @property
    def forbidden_pairs(self) -> np.ndarray:
        """(q*(q-q_eff), 2) array of the (left, right) pairs no parent emits."""
        left, right = np.nonzero(self.pair_parent < 0)
        return np.stack([left, right], axis=1)


def check_parameters(q: int, l: int, sigma: float, q_eff: int) -> None:
    """Raise a ConfigError naming the grammar key that is out of range."""
    if q < 2:
        raise ConfigError(f"grammar.q must be at least 2, got {q}")
    if l < 1:
        raise ConfigError(f"grammar.l must be at least 1, got {l}")
    if not 1 <= q_eff <= q:
        raise ConfigError(f"grammar.q_eff must lie in 1..q={q}, got {q_eff}")
    if not np.isfinite(sigma) or sigma < 0:
        raise ConfigError(f"grammar.sigma must be a finite number >= 0, got {sigma}")
    if q > 127:
        raise ConfigError(f"grammar.q must be at most 127 (symbols are stored as int8), got {q}")


def build_grammar(q: int, l: int, sigma: float, q_eff: int, seed: int) -> Grammar:
    """Build the transition tensor exactly as the spec describes, from ``seed`` alone.

    The draws follow the reference implementation's order on numpy's legacy
    generator (frozen by numpy's compatibility policy), so a seed gives the same
    tensor as the paper's code: one shuffle of the q**2 ordered pairs, then
    ``q_eff`` standard normals per parent in parent order. Grammar seed 0 is
    therefore the paper's grammar (checked in tests/test_grammar_data.py).
    """
    check_parameters(q, l, sigma, q_eff)
    rng = np.random.RandomState(seed)  # legacy on purpose: the reference's stream
    shuffled_pairs = np.arange(q * q)
    rng.shuffle(shuffled_pairs)
    logits = np.full((q, q * q), -np.inf)
    for parent in range(q):
        allowed = shuffled_pairs[parent * q : parent * q + q_eff]
        logits[parent, allowed] = sigma * rng.standard_normal(q_eff)
    shifted = logits - logits.max(axis=1, keepdims=True)
    weights = np.exp(shifted)
    M = (weights / weights.sum(axis=1, keepdims=True)).reshape(q, q, q)
    return Grammar(q=q, l=l, sigma=float(sigma), q_eff=q_eff, seed=seed, M=M)


def sample_trees(
    grammar: Grammar, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` trees level by level; return (leaves (n, 2**l) int8, roots (n,) int8).

    Each level is one vectorised categorical draw: uniforms are mapped through
    the per-parent cumulative distribution with ``searchsorted``.
    """
    q = grammar.q
    cdf = np.cumsum(grammar.M.reshape(q, q * q), axis=1)
    cdf[:, -1] = 1.0  # guard against rounding leaving a sliver above the last bin
    roots = rng.integers(0, q, size=n)
    nodes = roots[:, None]
    for _ in range(grammar.l):
        uniforms = rng.random(nodes.shape)
        pair_index = np.empty(nodes.shape, dtype=np.int64)
        for parent in range(q):
            mask = nodes == parent
            pair_index[mask] = np.searchsorted(cdf[parent], uniforms[mask], side="right")
        children = np.empty((n, nodes.shape[1] * 2), dtype=np.int64)
        children[:, 0::2] = pair_index // q
        children[:, 1::2] = pair_index % q
        nodes = children
    return nodes.astype(np.int8), roots.astype(np.int8)


def sample_pool(grammar: Grammar, n: int, seed: int, stream: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw a pool of ``n`` sequences in seeded chunks of CHUNK_SIZE.

    Chunk ``c`` of stream ``s`` uses the generator seeded by ``(seed, s, c)``, so
    pools are prefix-stable and the training (stream 0) and test (stream 1)
    pools are independent of each other's size.
    """
    leaves = np.empty((n, grammar.length), dtype=np.int8)
    roots = np.empty(n, dtype=np.int8)
    for chunk, start in enumerate(range(0, n, CHUNK_SIZE)):
        stop = min(start + CHUNK_SIZE, n)
        rng = np.random.default_rng([seed, stream, chunk])
        # Always draw a full chunk so a shorter pool is an exact prefix of a longer one.
        chunk_leaves, chunk_roots = sample_trees(grammar, CHUNK_SIZE, rng)
        leaves[start:stop] = chunk_leaves[: stop - start]
        roots[start:stop] = chunk_roots[: stop - start]
    return leaves, roots


def tree_is_valid(grammar: Grammar, sequences: np.ndarray) -> np.ndarray:
    """Return a boolean per sequence: can the grammar parse it bottom-up?

    Because every allowed pair has a unique parent, parsing is deterministic:
    replace each sibling pair by its parent and fail on a forbidden pair.
    """
    owner = grammar.pair_parent
    nodes = np.asarray(sequences, dtype=np.int64)
    valid = np.ones(nodes.shape[0], dtype=bool)
    while nodes.shape[1] > 1:
        parents = owner[nodes[:, 0::2], nodes[:, 1::2]]
        valid &= (parents >= 0).all(axis=1)
        nodes = np.where(parents >= 0, parents, 0)
    return valid
