"""Study 2's image sets: generators, sklearn digits, CelebA; splits A/B and the test set T.

A dataset is a pool R (training images) and a test set T of never-trained images.
S_A(N) = the first N of R, S_B(N) = the last N: disjoint while N ≤ |R|/2, nested in N.
Generators draw R and T from two streams (prefix-stable); finite sets keep their
last ``n_test`` images as T.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from diffgen.core import hdf5
from diffgen.core.errors import ConfigError, InputFileError
from diffgen.harmonic import generators

FORMAT = "harmonic_images"
POOL, TEST = 0, 1


def digits() -> np.ndarray:
    """sklearn's bundled digits (1797): v/16, bicubic ×2 to 16×16, clamped to [0, 1]."""
    from sklearn.datasets import load_digits

    images = torch.from_numpy(load_digits().images.astype(np.float32) / 16.0)[:, None]
    up = F.interpolate(images, scale_factor=2, mode="bicubic", align_corners=False)
    return up.clamp(0.0, 1.0).numpy()


def split_rows(split: str, n: int, pool: int) -> tuple[int, int]:
    """Rows of S_A(n) or S_B(n) in a pool of ``pool`` images."""
    if n > pool // 2:
        raise ConfigError(f"split size {n} exceeds half the pool ({pool} images)")
    return (0, n) if split == "A" else (pool - n, pool)


def images(
    kind: dict, L: int, seed: int, part: str, n: int, pool: int, source: np.ndarray | None = None
) -> np.ndarray:
    """The images of one part ('test', 'A', 'B') of a dataset.

    Generators draw them; finite sets (``source``: every image, the test set last)
    slice them.
    """
    if source is not None:
        n_test = kind["n_test"]
        if len(source) <= n_test:
            raise ConfigError(f"dataset of {len(source)} images has none left after {n_test} test")
        if part == "test":
            return source[len(source) - n_test :]
        start, stop = split_rows(part, n, len(source) - n_test)
        return source[start:stop]
    if part == "test":
        return generators.generate(kind, L, seed, TEST, 0, n)
    start, stop = split_rows(part, n, pool)
    return generators.generate(kind, L, seed, POOL, start, stop)


def save(
    path: str,
    x: np.ndarray,
    provenance: dict,
    theta: np.ndarray | None = None,
    identity: dict | None = None,
) -> None:
    arrays = {"images": x.astype(np.float32)}
    if theta is not None:
        arrays["theta"] = theta
    hdf5.write(path, FORMAT, arrays, provenance, identity=identity)


def load(path: str, with_theta: bool = False) -> tuple[np.ndarray, dict]:
    """(images, provenance) of an image file; theta (disc parameters) added when asked."""
    names = ["images", "theta"] if with_theta else ["images"]
    arrays, provenance = hdf5.read(path, FORMAT, names)
    x = arrays["images"]
    if x.ndim != 4 or x.shape[1] != 1 or x.shape[2] != x.shape[3]:
        raise InputFileError(f"{path}: images of shape {x.shape}, expected (N, 1, L, L)")
    return (x, provenance, arrays["theta"]) if with_theta else (x, provenance)
