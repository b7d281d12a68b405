"""Generation split: how alike two models' samples from the same noise are, across training.

For every generation checkpoint and every unordered pair of models (a, b),
sample j of a is compared with sample j of b by Pearson correlation (per-image
standardised pixels, then cosine); the pair's similarity is the mean over the
samples. For the pair shown in the figures, the ``rep_k`` samples whose
similarity is closest to that mean (nearest first) are its representative
pairs, each shown with its nearest image (largest Pearson) in the model's own
training split.
"""

from __future__ import annotations

import numpy as np
import torch

from diffgen.images.nearest import nearest
from diffgen.images.similarity import features, paired

METRIC = "pearson"


def pair_rows(
    banks: dict[int, np.ndarray], epochs: list[int], pairs: list[tuple[int, int]], device
) -> list[dict]:
    """One row per (epoch, pair): mean, s.e. and count of the per-sample similarities.

    Each model's samples are standardised once per epoch; a pair is then a row-wise dot product.
    """
    rows = []
    for g, epoch in enumerate(epochs):
        unit = {
            m: features(torch.from_numpy(bank[g]).to(device), METRIC) for m, bank in banks.items()
        }
        for a, b in pairs:
            sims = (unit[a] * unit[b]).sum(dim=1).double().cpu().numpy()
            se = sims.std(ddof=1) / np.sqrt(sims.size) if sims.size > 1 else 0.0
            rows.append({"epoch": epoch, "a": a, "b": b, "similarity": float(sims.mean()),
                         "similarity_se": float(se), "samples": int(sims.size)})  # fmt: skip
    return rows


def closest_to_mean(similarities: torch.Tensor, count: int) -> torch.Tensor:
    """Indices of the ``count`` values nearest their mean, nearest first (ties: lower index)."""
    gap = (similarities.double() - similarities.double().mean()).abs()
    order = torch.from_numpy(np.argsort(gap.numpy(), kind="stable"))
    return order[:count]


def representatives(
    samples_a: torch.Tensor,
    samples_b: torch.Tensor,
    train_a: torch.Tensor,
    train_b: torch.Tensor,
    count: int,
    device,
) -> dict[str, torch.Tensor]:
    """The representative pairs of one checkpoint and the nearest training image of each side.

    Returns sample indices, pair similarities and, per side, the nearest
    training image's index and similarity (CPU tensors).
    """
    sims = paired(samples_a.to(device), samples_b.to(device), METRIC).cpu()
    index = closest_to_mean(sims, count)
    out = {"index": index, "similarity": sims[index]}
    for side, samples, train in (("a", samples_a, train_a), ("b", samples_b, train_b)):
        values, found = nearest(samples[index], train, METRIC, 1, device)
        out[f"nn_{side}_index"] = found[:, 0]
        out[f"nn_{side}_similarity"] = values[:, 0]
    return out
