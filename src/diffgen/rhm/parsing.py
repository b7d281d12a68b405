"""Parsing strings bottom-up, and validity per level.

Tuples are distinct within a level, so a node's s children name at most one
parent symbol: parsing is a lookup, and a string's tree is recovered exactly
where it is valid. A node whose subtree breaks a rule gets −1, and so do its
ancestors. This is the reference's validity (0/1 leaf evidence, unnormalised
upward pass, Σ_a ν_l(a, node) ∈ {0, 1}) computed with integers. Its chance values
are :meth:`diffgen.rhm.rules.Shape.chance_validity`.
"""

from __future__ import annotations

import numpy as np

from diffgen.rhm.rules import Grammar, Tree

INVALID = -1


class Parser:
    """Sorted tuple codes per level: ``parse`` maps leaves (N, d) to a tree with −1 holes."""

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar
        sh = grammar.shape
        self.weights = np.array([sh.v ** (sh.s - 1 - j) for j in range(sh.s)], dtype=np.int64)
        self.codes, self.parents = [], []
        for table in grammar.rules:
            codes = table.reshape(-1, sh.s) @ self.weights
            parents = np.repeat(np.arange(table.shape[0], dtype=np.int64), sh.m)
            order = np.argsort(codes)
            self.codes.append(codes[order])
            self.parents.append(parents[order])

    def parse(self, leaves: np.ndarray) -> Tree:
        """``levels[l]`` (N, s^l) of the parse, −1 where the subtree is not valid."""
        sh = self.grammar.shape
        leaves = np.asarray(leaves, dtype=np.int64)
        levels = [leaves]
        for level in range(sh.L - 1, -1, -1):
            children = levels[0].reshape(leaves.shape[0], -1, sh.s)
            broken = (children < 0).any(axis=-1)
            code = np.where(children < 0, 0, children) @ self.weights
            codes = self.codes[level]
            where = np.searchsorted(codes, code).clip(max=len(codes) - 1)
            found = (codes[where] == code) & ~broken
            levels.insert(0, np.where(found, self.parents[level][where], INVALID))
        return levels


def validity(parse: Tree) -> np.ndarray:
    """(N, L) per string: column h−1 is the share of valid nodes h levels above the leaves."""
    L = len(parse) - 1
    return np.stack([(parse[L - h] >= 0).mean(axis=1) for h in range(1, L + 1)], axis=1)
