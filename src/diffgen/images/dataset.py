"""Image datasets in HDF5: a training pool and a held-out pool of (N, C, H, W) arrays.

Layout of a file (format ``diffgen.image_dataset``)::

    /train/images   (N, C, H, W)  training pool; split i of size n is rows [i·n, (i+1)·n)
    /test/images    (M, C, H, W)  held-out pool, never part of a training split

Arrays keep their dtype (float32 in [0, 1], uint8, ...). Root attributes hold
what the study records beside the pixels (e.g. a centring mean); the provenance
record says how the file was made. Splits are contiguous blocks, so the splits
of one size are disjoint and a study that draws its pool prefix-stably gets the
same split i whatever the pool size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from diffgen.core import hdf5
from diffgen.core.errors import ConfigError, InputFileError

KIND = "image_dataset"
PARTS = ("train", "test")


@dataclass
class ImageDataset:
    """Training and held-out images, (N, C, H, W) each, and the file's attributes."""

    train: np.ndarray
    test: np.ndarray
    attrs: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        for part in PARTS:
            array = getattr(self, part)
            if array.ndim != 4:
                raise ValueError(f"{part} images must be (N, C, H, W), got shape {array.shape}")
        if self.train.shape[1:] != self.test.shape[1:]:
            raise ValueError(
                f"train images {self.train.shape[1:]} and test images {self.test.shape[1:]} differ"
            )

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.train.shape[1:])

    def split(self, index: int, size: int) -> np.ndarray:
        """Training split ``index`` of ``size`` images: rows [index·size, (index+1)·size)."""
        return self.train[split_rows(index, size, len(self.train))]

    def test_set(self, count: int, offset: int = 0) -> np.ndarray:
        """``count`` held-out images from ``offset``."""
        if offset < 0 or offset + count > len(self.test):
            raise ConfigError(
                f"{offset + count} held-out images requested but the test pool holds "
                f"{len(self.test)}"
            )
        return self.test[offset : offset + count]


def split_rows(index: int, size: int, pool: int) -> slice:
    """Rows of split ``index`` of ``size`` in a pool of ``pool`` rows (ConfigError past its end)."""
    start, stop = index * size, (index + 1) * size
    if index < 0 or size < 1 or stop > pool:
        raise ConfigError(
            f"training split {index} of {size} images needs {stop} images but the pool holds {pool}"
        )
    return slice(start, stop)


def require_pool(splits: int, size: int, n_test: int, pool: int, key: str) -> None:
    """``splits`` disjoint splits of ``size`` plus ``n_test`` held-out images fit in ``pool``.

    ``key`` is the config key the one-line error names.
    """
    need = splits * size + n_test
    if need > pool:
        raise ConfigError(
            f"config key '{key}': {splits} splits of {size} images and {n_test} test images "
            f"need {need:,} images, the pool holds {pool:,}"
        )


def save(
    dataset: ImageDataset, path: str | Path, provenance: dict, identity: dict | None = None
) -> None:
    """Write atomically; equal inputs give byte-identical files."""
    arrays = {f"{part}/images": getattr(dataset, part) for part in PARTS}
    hdf5.write(path, KIND, arrays, provenance, dataset.attrs, identity)


def load(path: str | Path, parts: tuple[str, ...] = PARTS) -> ImageDataset:
    """Read a dataset (only ``parts``; the others come back empty), errors naming the file."""
    with hdf5.open_file(path, KIND) as f:
        shapes = {part: f.shape(f"{part}/images") for part in PARTS}
        for part, shape in shapes.items():
            if len(shape) != 4:
                raise InputFileError(f"{path}: {part}/images is not (N, C, H, W)")
        arrays = {}
        for part in PARTS:
            if part in parts:
                arrays[part] = f.array(f"{part}/images")
            else:
                arrays[part] = np.zeros((0, *shapes[part][1:]), dtype=np.float32)
        attrs = {k: v for k, v in f.attrs.items() if k not in ("format", "provenance")}
    try:
        return ImageDataset(arrays["train"], arrays["test"], attrs)
    except ValueError as err:
        raise InputFileError(f"{path}: {err}") from None


def read_attr(dataset: ImageDataset, name: str, path: str | Path):
    """An attribute the study needs (a one-line error naming the file if it is missing)."""
    if name not in dataset.attrs:
        raise InputFileError(f"{path}: image dataset lacks attribute '{name}'")
    return dataset.attrs[name]
