"""Nearest-neighbour Hamming distances, vectorised as one-hot matrix products.

For one-hot sequences, ``onehot(a) . onehot(b)`` counts the positions where a
and b agree, so the distance to the nearest reference is
``L - max_b onehot(a) . onehot(b)``: one matmul per chunk instead of a loop.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

#: Elements of one (queries x references) block of agreement counts.
_BLOCK_ELEMENTS = 1 << 26


def hamming_nearest(
    queries: np.ndarray | torch.Tensor,
    references: np.ndarray | torch.Tensor,
    q: int,
    device: str | torch.device = "cpu",
) -> np.ndarray:
    """Distance of each query (N, L) to its nearest reference (P, L), as int64 (N,)."""
    queries = torch.as_tensor(np.asarray(queries), dtype=torch.long)
    references = torch.as_tensor(np.asarray(references), dtype=torch.long)
    if queries.ndim != 2 or references.ndim != 2 or queries.shape[1] != references.shape[1]:
        raise ValueError("queries and references must be (N, L) and (P, L) with the same L")
    length = queries.shape[1]
    ref = F.one_hot(references.to(device), q).flatten(1).float()  # (P, L*q)
    ref_chunk = max(1, min(ref.shape[0], _BLOCK_ELEMENTS // 1024))
    query_chunk = max(1, _BLOCK_ELEMENTS // ref_chunk)
    best = torch.empty(queries.shape[0], dtype=torch.long)
    for start in range(0, queries.shape[0], query_chunk):
        block = F.one_hot(queries[start : start + query_chunk].to(device), q).flatten(1).float()
        agree = torch.zeros(block.shape[0], dtype=torch.float32, device=device)
        for r in range(0, ref.shape[0], ref_chunk):
            counts = block @ ref[r : r + ref_chunk].T
            agree = torch.maximum(agree, counts.amax(dim=1))
        best[start : start + block.shape[0]] = length - agree.round().long().cpu()
    return best.numpy()
