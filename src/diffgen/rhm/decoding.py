"""Strings and their trees from the rules: decoding an index, or drawing node by node.

A tree is a list ``levels`` with ``levels[l]`` (N, s^l) int64 symbols, l = 0
(the class) .. L (the leaves). Two ways to get trees, both the reference's:

* :func:`decode` maps an index in [0, Pmax) to its string: class = index //
  (Pmax/n); the rest is read level by level as base-m digits (leftmost node most
  significant), one production choice per node. It is a bijection onto the
  valid strings, so uniform indices give uniform strings.
* :func:`draw_with_replacement` draws the class and every node's production
  from one ``torch.Generator`` (for Pmax beyond int64, where indices cannot be
  sampled), in the reference's order of calls.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from diffgen.rhm.rules import Grammar, Tree


def _expand(table: np.ndarray, parents: np.ndarray, choices: np.ndarray) -> np.ndarray:
    """Children (N, nodes·s) of parents (N, nodes) under production choices (N, nodes)."""
    return table[parents, choices].reshape(parents.shape[0], -1)


def decode(grammar: Grammar, indices: Sequence[int] | np.ndarray) -> Tree:
    """The trees of string indices in [0, Pmax) (Pmax below 2^63)."""
    sh = grammar.shape
    index = np.asarray(indices, dtype=np.int64)
    per = sh.pmax // sh.n
    levels = [(index // per).reshape(-1, 1)]
    rest = index % per
    for level, table in enumerate(grammar.rules):
        size = sh.s**level
        per //= sh.m**size
        code = rest // per
        rest = rest % per
        powers = np.array([sh.m ** (size - 1 - j) for j in range(size)], dtype=np.int64)
        digits = (code[:, None] // powers[None, :]) % sh.m
        levels.append(_expand(table, levels[-1], digits))
    return levels


def draw_with_replacement(grammar: Grammar, count: int, seed: int) -> Tree:
    """``count`` independent trees: class ~ U(n), each node's production ~ U(m)."""
    sh = grammar.shape
    gen = torch.Generator().manual_seed(seed)
    classes = torch.randint(0, sh.n, (count,), generator=gen)
    levels = [classes.numpy().reshape(-1, 1).astype(np.int64)]
    for table in grammar.rules:
        parents = levels[-1]
        shape = (count,) if parents.shape[1] == 1 else parents.shape
        choices = torch.randint(0, sh.m, shape, generator=gen).numpy().reshape(parents.shape)
        levels.append(_expand(table, parents, choices))
    return levels


def rows(tree: Tree, selection: slice | np.ndarray) -> Tree:
    """The trees of some rows."""
    return [level[selection] for level in tree]
