"""Centring of the face images: models learn x = image − μ, shown as x + μ.

μ is the mean pixel of the training pool (the dataset's attribute ``mean``),
one value for every model and measurement. Its own module, so the jobs that
centre images do not depend on the code that made them.
"""

from __future__ import annotations

import numpy as np
import torch

from diffgen.images.dataset import ImageDataset, read_attr


def centred(images: np.ndarray, dataset: ImageDataset, path) -> torch.Tensor:
    """x = image − μ as a float32 tensor."""
    mean = float(read_attr(dataset, "mean", path))
    return torch.from_numpy(np.asarray(images, dtype=np.float32) - np.float32(mean))


def display(x: torch.Tensor | np.ndarray, mean: float) -> np.ndarray:
    """What a centred image looks like: x + μ clipped to [0, 1], float32."""
    values = x.numpy() if torch.is_tensor(x) else np.asarray(x)
    return np.clip(values + mean, 0.0, 1.0).astype(np.float32)
