"""The face dataset of a configuration: synthetic or CelebA, split, centred, in HDF5.

The training pool is the S·n images the splits use (split i = rows
[i·n, (i+1)·n)); the held-out pool is n_test images never trained on (CelebA:
the folder's last files; synthetic: their own stream). Models learn
x = image − μ, μ the mean pixel of the training pool (attribute ``mean``),
the same for every model and measurement; samples are shown as x + μ clipped
to [0, 1].
"""

from __future__ import annotations

import numpy as np
import torch

from diffgen.biased.faces import celeba, synthfaces
from diffgen.core.progress import log
from diffgen.images.dataset import ImageDataset, read_attr


def build(spec: dict) -> tuple[ImageDataset, dict]:
    """(dataset, provenance extras) of a ``faces-data`` spec."""
    data = spec["data"]
    n_train, n_test, size = spec["splits"] * spec["n"], spec["n_test"], data["size"]
    extras: dict = {}
    if data["path"]:
        log(f"reading {n_train:,} training and {n_test:,} held-out faces from {data['path']}")
        train, test, train_names, test_names = celeba.load(data["path"], size, n_train, n_test)
        source = "celeba"
        extras = {"files": {"train": [train_names[0], train_names[-1]],
                            "test": [test_names[0], test_names[-1]]}}  # fmt: skip
    else:
        log(f"drawing {n_train:,} training and {n_test:,} held-out synthetic faces")
        train = synthfaces.generate(data["seed"], synthfaces.TRAIN_STREAM, 0, n_train, size)
        test = synthfaces.generate(data["seed"], synthfaces.TEST_STREAM, 0, n_test, size)
        source = "synthfaces"
    mean = float(train.astype(np.float64).mean())
    attrs = {"mean": mean, "source": source, "size": size, "splits": spec["splits"], "n": spec["n"]}
    return ImageDataset(train, test, attrs), extras


def centred(images: np.ndarray, dataset: ImageDataset, path) -> torch.Tensor:
    """x = image − μ as a float32 tensor."""
    mean = float(read_attr(dataset, "mean", path))
    return torch.from_numpy(np.asarray(images, dtype=np.float32) - np.float32(mean))


def display(x: torch.Tensor | np.ndarray, mean: float) -> np.ndarray:
    """What a centred image looks like: x + μ clipped to [0, 1], float32."""
    values = x.numpy() if torch.is_tensor(x) else np.asarray(x)
    return np.clip(values + mean, 0.0, 1.0).astype(np.float32)
