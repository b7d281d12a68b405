"""The face dataset of a configuration: synthetic or CelebA, split, centred, in HDF5.

The training pool is the S·n images the splits use (split i = rows
[i·n, (i+1)·n)); the held-out pool is n_test images never trained on (CelebA:
the folder's last files; synthetic: their own stream). The mean pixel μ of the
training pool is the file's attribute ``mean`` (see :mod:`.centring`).
"""

from __future__ import annotations

import numpy as np

from diffgen.biased.faces import celeba, synthfaces
from diffgen.core.progress import log
from diffgen.images.dataset import ImageDataset


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
