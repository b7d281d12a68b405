"""CelebA faces from a user-given ``img_align_celeba`` folder, as the reference prepares them.

Files in natural order; each image RGB in [0, 1], its short side resized to
``size`` (antialiased bilinear: 178×218 -> 32×39), centre-cropped to
size×size (rows 4..35 at 32) and turned gray (0.2989 R + 0.587 G + 0.114 B):
(N, 1, size, size) float32. Training splits come from the first files, the
held-out images are the last ``n_test`` files.

Only the images a configuration uses are decoded. A missing folder, an
unreadable file or too few images is one line naming the folder or file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from diffgen.core.errors import InputFileError
from diffgen.core.progress import Progress
from diffgen.images.folder import list_images, read_rgb
from diffgen.images.transforms import center_crop, resize_short_side, rgb_to_gray

#: Images decoded and resized together.
BATCH = 256


def prepare(rgb: list[np.ndarray], size: int) -> np.ndarray:
    """Decoded (H, W, 3) uint8 images (any sizes) -> (N, 1, size, size) float32."""
    out = np.empty((len(rgb), 1, size, size), dtype=np.float32)
    by_shape: dict[tuple[int, ...], list[int]] = {}
    for i, image in enumerate(rgb):
        by_shape.setdefault(image.shape, []).append(i)
    for rows in by_shape.values():
        batch = torch.from_numpy(np.stack([rgb[i] for i in rows])).permute(0, 3, 1, 2)
        batch = batch.float() / 255.0
        gray = rgb_to_gray(center_crop(resize_short_side(batch, size), size))
        out[rows] = gray.numpy()
    return out


def load_files(files: list[Path], size: int, label: str = "decoding") -> np.ndarray:
    """Decode and prepare ``files`` in batches: (N, 1, size, size) float32."""
    out = np.empty((len(files), 1, size, size), dtype=np.float32)
    progress = Progress(label, len(files), unit="images")
    for start in range(0, len(files), BATCH):
        batch = files[start : start + BATCH]
        out[start : start + len(batch)] = prepare([read_rgb(f) for f in batch], size)
        progress.update(start + len(batch))
    return out


def load(folder: str | Path, size: int, n_train: int, n_test: int) -> tuple:
    """(train (n_train, 1, s, s), test (n_test, 1, s, s), file names of both) of a folder."""
    files = list_images(folder)
    if n_train + n_test > len(files):
        raise InputFileError(
            f"{folder}: holds {len(files):,} images, {n_train + n_test:,} needed "
            f"({n_train:,} for training splits and {n_test:,} held out)"
        )
    train_files, test_files = files[:n_train], files[len(files) - n_test :]
    train = load_files(train_files, size, "decoding training images")
    test = load_files(test_files, size, "decoding held-out images")
    return train, test, [f.name for f in train_files], [f.name for f in test_files]
