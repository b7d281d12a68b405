"""Batched nearest-neighbour search in pixel space, on any device.

For each query image, the k reference images nearest to it under a metric of
:mod:`diffgen.images.similarity` (largest Pearson or cosine similarity, smallest
L2 distance), with their similarities (distances). References are turned into
features once and held on the device in blocks; each (query block × reference
block) is one matrix product, and a running top-k keeps memory bounded, so
sample banks of any size can be searched against training sets of any size.

Squared L2 distances are |q|² − 2 q·r + |r|², clamped at 0 before the root; an
image's distance to itself is 0 up to float32 rounding. Use full-precision
matmuls (no TF32) where the values are measurements.
"""

from __future__ import annotations

import torch

from diffgen.images.similarity import features, larger_is_nearer

#: Elements of one (queries × references) block of scores.
BLOCK_ELEMENTS = 1 << 24


def _scores(queries: torch.Tensor, references: torch.Tensor, ref_norms, metric: str):
    products = queries @ references.T
    if metric != "l2":
        return products
    query_norms = (queries * queries).sum(dim=1, keepdim=True)
    return (query_norms - 2.0 * products + ref_norms[None, :]).clamp_min(0.0)


@torch.no_grad()
def nearest(
    queries: torch.Tensor,
    references: torch.Tensor,
    metric: str = "pearson",
    k: int = 1,
    device: str | torch.device = "cpu",
    reference_block: int = 8192,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(values (N, k), indices (N, k)) of the k nearest references of each query, nearest first.

    Values are similarities (pearson, cosine) or distances (l2); both on the CPU.
    """
    device = torch.device(device)
    if queries.shape[1:] != references.shape[1:]:
        raise ValueError(
            f"queries {tuple(queries.shape[1:])} and references {tuple(references.shape[1:])}"
            " have different image shapes"
        )
    count = references.shape[0]
    if not 1 <= k <= count:
        raise ValueError(f"k={k} neighbours requested from {count} references")
    largest = larger_is_nearer(metric)
    blocks = []
    for start in range(0, count, reference_block):
        ref = features(references[start : start + reference_block].to(device), metric)
        norms = (ref * ref).sum(dim=1) if metric == "l2" else None
        blocks.append((start, ref, norms))
    query_block = max(1, BLOCK_ELEMENTS // min(count, reference_block))
    values, indices = [], []
    for q0 in range(0, queries.shape[0], query_block):
        query = features(queries[q0 : q0 + query_block].to(device), metric)
        best_v = best_i = None
        for start, ref, norms in blocks:
            scores = _scores(query, ref, norms, metric)
            v, i = scores.topk(min(k, scores.shape[1]), dim=1, largest=largest)
            i = i + start
            if best_v is not None:
                v, order = torch.cat([best_v, v], 1).topk(k, dim=1, largest=largest)
                i = torch.cat([best_i, i], 1).gather(1, order)
            best_v, best_i = v, i
        if metric == "l2":
            best_v = best_v.sqrt()
        values.append(best_v.cpu())
        indices.append(best_i.cpu())
    if not values:
        return torch.zeros((0, k)), torch.zeros((0, k), dtype=torch.long)
    return torch.cat(values), torch.cat(indices)
