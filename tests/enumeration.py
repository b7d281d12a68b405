"""Ground truth by brute force: the dense joint distribution over leaf sequences.

Used only by the tests. It shares no code with :mod:`diffgen.bp`: the joint is
expanded level by level as a dense tensor (every tree summed explicitly), then
posteriors and partition functions are plain sums over all q**(2**l) sequences.
"""

from __future__ import annotations

import numpy as np


def _paths(M: np.ndarray, k: int) -> list[np.ndarray]:
    """Root-to-node matrices of the factorised top, node order left to right."""
    m_left, m_right = M.sum(axis=2), M.sum(axis=1)
    mats = []
    for node in range(2**k):
        mat = np.eye(M.shape[0])
        for bit in format(node, f"0{k}b") if k else "":
            mat = mat @ (m_left if bit == "0" else m_right)
        mats.append(mat)
    return mats


def leaf_joint(M: np.ndarray, depth: int, k: int = 0) -> np.ndarray:
    """Dense p(x) over leaf sequences, shape (q,)*2**depth, for BP_k's model."""
    q = M.shape[0]
    # Joint over the 2**k nodes of level k given a uniform root.
    joint = np.zeros((q,) * 2**k)
    for root in range(q):
        term = np.ones(())
        for mat in _paths(M, k):
            term = np.multiply.outer(term, mat[root])
        joint = joint + term / q
    # Expand every node into its two children, one level at a time.
    for _level in range(k, depth):
        for _node in range(joint.ndim):
            joint = np.tensordot(joint, M, axes=([0], [0]))
    return joint


def posterior(M: np.ndarray, depth: int, field: np.ndarray, k: int = 0):
    """Leaf marginals (L, q) and log Z for one field (L, q), by full enumeration."""
    joint = leaf_joint(M, depth, k)
    length, q = field.shape
    with np.errstate(divide="ignore"):
        log_w = np.log(joint)
    for leaf in range(length):
        shape = [1] * length
        shape[leaf] = q
        log_w = log_w + field[leaf].reshape(shape)
    peak = log_w.max()
    w = np.exp(log_w - peak)
    z = w.sum()
    marginals = np.stack(
        [w.sum(axis=tuple(a for a in range(length) if a != leaf)) / z for leaf in range(length)]
    )
    return marginals, np.log(z) + peak
