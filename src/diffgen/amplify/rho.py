"""ρ_model: the share of bias-aligned samples, with its exact (Clopper–Pearson) interval.

M[i, j] counts samples of class i with bias j, over the K classes, with one
more column for −1 or a colour outside the classes; ρ_model = Σ_i M[i, i] / ΣM.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binomtest


def confusion(classes: np.ndarray, biases: np.ndarray, class_list: list[int]) -> np.ndarray:
    """(K, K+1) counts; the last column holds biases outside ``class_list`` (and −1)."""
    K = len(class_list)
    position = {c: i for i, c in enumerate(class_list)}
    matrix = np.zeros((K, K + 1), dtype=np.int64)
    for c, b in zip(np.asarray(classes).tolist(), np.asarray(biases).tolist(), strict=True):
        if c in position:
            matrix[position[c], position.get(b, K)] += 1
    return matrix


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The exact binomial interval of k successes in n (0 at k = 0, 1 at k = n)."""
    ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="exact")
    return float(ci.low), float(ci.high)


def rho_model(matrix: np.ndarray, level: float = 0.95) -> dict:
    """k, n, ρ_model and its interval of a confusion matrix, overall and per class."""
    k, n = int(np.trace(matrix[:, : matrix.shape[0]])), int(matrix.sum())
    low, high = clopper_pearson(k, n, level)
    per_class = [int(matrix[i, i]) / max(int(matrix[i].sum()), 1) for i in range(len(matrix))]
    return {"k": k, "n": n, "rho_model": k / n, "ci_low": low, "ci_high": high,
            "per_class": per_class}  # fmt: skip
