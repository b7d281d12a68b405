"""Pixel-space similarity of images: Pearson correlation, cosine, Euclidean distance.

* ``pearson``: each image standardised over its pixels (mean 0, population std
  1), then the cosine of the two. Invariant to x -> αx + β (α > 0) of either
  image: it compares structure, not brightness or contrast.
* ``cosine``: the cosine of the flattened images (for noise predictions).
* ``l2``: the Euclidean distance of the flattened images (smaller is nearer).

Features are computed once per image (:func:`features`), so a nearest-neighbour
search is a matrix product of feature blocks.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

METRICS = ("pearson", "cosine", "l2")
#: Keeps a constant image's standardisation finite (its similarity to anything is 0).
EPSILON = 1e-12


def check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(f"similarity metric must be one of {METRICS}, got {metric!r}")


def larger_is_nearer(metric: str) -> bool:
    check_metric(metric)
    return metric != "l2"


def features(images: torch.Tensor, metric: str) -> torch.Tensor:
    """(N, ...) -> (N, D) float32: unit vectors (pearson, cosine) or raw pixels (l2)."""
    check_metric(metric)
    flat = images.flatten(1).float()
    if metric == "l2":
        return flat
    if metric == "pearson":
        flat = flat - flat.mean(dim=1, keepdim=True)
        flat = flat / (flat.std(dim=1, unbiased=False, keepdim=True) + EPSILON)
    return F.normalize(flat, dim=1)


def paired(a: torch.Tensor, b: torch.Tensor, metric: str) -> torch.Tensor:
    """Similarity (or distance, for l2) of row i of ``a`` with row i of ``b``: (N,)."""
    if a.shape != b.shape:
        raise ValueError(f"paired images must have one shape, got {a.shape} and {b.shape}")
    fa, fb = features(a, metric), features(b, metric)
    if metric == "l2":
        return (fa - fb).norm(dim=1)
    return (fa * fb).sum(dim=1)
