"""Noise-prediction split: how alike models' ε̂ are on the same noised inputs, at a step k.

Inputs at step k: ``count`` rows per image set, row j = image (j mod set size)
noised with noise row j of seeded step ``INPUTS_BASE − k`` (the same noise for
every set, model and checkpoint). The sets are the held-out images ("test")
and each model's own split ("train" for that model). For every ordered pair
(a, b) of distinct models: the per-input cosine of ε̂_a and ε̂_b on a's split
(train) and on the test set (test). Rows keep each pair's mean, variance
(ddof 0) and count, so pooled means and standard errors over pairs × inputs
are exact. Each model's MSE of ε̂ against ε is kept on both sets too.
"""

from __future__ import annotations

import numpy as np
import torch

from diffgen.core.seeding import seeded_noise
from diffgen.images.ddpm import INPUTS_BASE, EpsDDPM, EpsFunction
from diffgen.images.predictions import agreement, predict


def noised_inputs(
    images: torch.Tensor, count: int, k: int, ddpm: EpsDDPM, seed: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """(x_k, ε) of ``count`` rows cycling through ``images``."""
    rows = torch.arange(count) % images.shape[0]
    eps = seeded_noise(seed, INPUTS_BASE - k, 0, count, tuple(images.shape[1:]))
    return ddpm.noise(images[rows], k, eps), eps


def _stats(values: torch.Tensor) -> dict:
    values = values.double().cpu().numpy()
    return {"mean": float(values.mean()), "var": float(values.var()), "count": int(values.size)}


def compare(
    models: list[EpsFunction],
    test: torch.Tensor,
    splits: list[torch.Tensor],
    ks: list[int],
    count: int,
    ddpm: EpsDDPM,
    seed: int,
    batch_size: int,
    device,
) -> list[dict]:
    """Rows (k, set, a, b, quantity, mean, var, count); model i was trained on ``splits[i]``."""
    rows = []
    for k in ks:
        sets = [("test", None, test), *(("train", a, split) for a, split in enumerate(splits))]
        for name, owner, images in sets:
            x_k, eps = noised_inputs(images, count, k, ddpm, seed)
            eps = eps.to(device)
            members = range(len(models)) if owner is None else [owner]
            preds = [predict(m, x_k, k, batch_size, device, to_cpu=False) for m in models]
            for a in members:
                for b in range(len(models)):
                    if a != b:
                        cos = _stats(agreement(preds[a], preds[b]))
                        rows.append(
                            {"k": k, "set": name, "a": a, "b": b, "quantity": "cosine", **cos}
                        )
            for a in members:
                mse = _stats((preds[a] - eps).pow(2).flatten(1).mean(dim=1))
                rows.append({"k": k, "set": name, "a": a, "b": a, "quantity": "mse", **mse})
    return rows


def pooled(means: np.ndarray, variances: np.ndarray, counts: np.ndarray) -> tuple[float, float]:
    """Mean and standard error over all values of several groups, from their (mean, var, count)."""
    means, variances, counts = (np.asarray(v, dtype=np.float64) for v in (means, variances, counts))
    total = counts.sum()
    mean = float((counts * means).sum() / total)
    var = float((counts * (variances + means**2)).sum() / total - mean**2)
    se = np.sqrt(max(var, 0.0) * total / (total - 1) / total) if total > 1 else 0.0
    return mean, float(se)
