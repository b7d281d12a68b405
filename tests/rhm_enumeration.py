"""Ground truth for study 5 by brute force: every tree of a small RHM, enumerated.

Used only by the tests. It shares no code with :mod:`diffgen.rhm` beyond the
rule tables: trees are expanded node by node over every production choice,
and posteriors are plain weighted sums over all Pmax strings.
"""

from __future__ import annotations

import itertools

import numpy as np


def all_trees(rules: list[np.ndarray], n: int) -> list[np.ndarray]:
    """Every tree: ``levels[l]`` (Pmax, s^l), in no particular order."""
    levels = [np.arange(n).reshape(-1, 1)]
    for table in rules:
        m, s = table.shape[1], table.shape[2]
        parents = levels[-1]
        nodes = parents.shape[1]
        combos = np.array(list(itertools.product(range(m), repeat=nodes))).reshape(-1, nodes)
        rows = np.repeat(np.arange(parents.shape[0]), len(combos))
        choice = np.tile(combos, (parents.shape[0], 1))
        children = table[parents[rows], choice].reshape(len(rows), nodes * s)
        levels = [level[rows] for level in levels] + [children]
    return levels


def leaf_weights(leaves: np.ndarray, x_t: np.ndarray, alpha_bar: float, v: int, skip=None):
    """Π_i e_i(x0_i) for every string (Pmax,) and one noisy string; ``skip`` leaves out a leaf."""
    evidence = alpha_bar * (leaves == x_t[None, :]) + (1.0 - alpha_bar) / v
    if skip is not None:
        evidence = np.delete(evidence, skip, axis=1)
    return evidence.prod(axis=1)


def node_marginals(trees, x_t, alpha_bar, v, symbols):
    """μ_l (s^l, symbols(l)) for every level, given one noisy string."""
    w = leaf_weights(trees[-1], x_t, alpha_bar, v)
    w = w / w.sum()
    out = []
    for level, values in enumerate(trees):
        size = symbols(level)
        marg = np.zeros((values.shape[1], size))
        for node in range(values.shape[1]):
            marg[node] = np.bincount(values[:, node], weights=w, minlength=size)
        out.append(marg)
    return out


def cavity(trees, x_t, alpha_bar, v):
    """ν↓_L (d, v): p(x0_i | the other leaves' evidence)."""
    leaves = trees[-1]
    d = leaves.shape[1]
    out = np.zeros((d, v))
    for i in range(d):
        w = leaf_weights(leaves, x_t, alpha_bar, v, skip=i)
        out[i] = np.bincount(leaves[:, i], weights=w, minlength=v)
        out[i] /= out[i].sum()
    return out


def reverse_marginals(trees, x_t, t, alpha, alpha_bar_t, alpha_bar_prev, v):
    """p(x_{t−1,i} = b | x_t) (d, v) = Σ_{x0} p(x0 | x_t)·q(x_{t−1,i} = b | x_{t,i}, x0_i)."""
    leaves = trees[-1]
    w = leaf_weights(leaves, x_t, alpha_bar_t, v)
    w = w / w.sum()
    d = leaves.shape[1]
    out = np.zeros((d, v))
    b = np.arange(v)
    for i in range(d):
        like = alpha * (b == x_t[i]) + (1 - alpha) / v  # q(x_t,i | x_{t-1,i} = b)
        for a in range(v):
            p_a = w[leaves[:, i] == a].sum()
            prior = alpha_bar_prev * (b == a) + (1 - alpha_bar_prev) / v
            step = like * prior
            out[i] += p_a * step / step.sum()
    return out
