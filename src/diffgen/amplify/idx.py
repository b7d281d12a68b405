"""MNIST's IDX files, read without torchvision (plain or gzip-compressed).

An IDX file is a big-endian header (two zero bytes, a type code, the number of
dimensions, then one uint32 per dimension) followed by the array. Every problem
(missing file, wrong magic, truncation) is one line naming the file.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

from diffgen.core.errors import InputFileError

UBYTE = 0x08
#: Split -> (images file, labels file) stems of the MNIST distribution.
FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def read_idx(path: str | Path, ndim: int) -> np.ndarray:
    """The uint8 array of an IDX file with ``ndim`` dimensions."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: IDX file does not exist")
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise InputFileError(f"{path}: unreadable IDX file ({err})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != UBYTE or raw[3] != ndim:
        raise InputFileError(f"{path}: not an unsigned-byte IDX file with {ndim} dimensions")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise InputFileError(f"{path}: truncated IDX header")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    size = int(np.prod(shape))
    if len(raw) != header + size:
        raise InputFileError(
            f"{path}: IDX body holds {len(raw) - header} bytes, the header says {size}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape).copy()


def find(folder: Path, stem: str) -> Path:
    """``stem`` or ``stem.gz`` in ``folder`` (the four MNIST files may be either)."""
    for name in (stem, stem + ".gz"):
        if (folder / name).is_file():
            return folder / name
    raise InputFileError(f"{folder / stem}: MNIST IDX file (or .gz) does not exist")


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write a uint8 array as IDX (gzip when the name ends in .gz); for tests and tools."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    raw = bytes([0, 0, UBYTE, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    raw += array.tobytes()
    path = Path(path)
    path.write_bytes(gzip.compress(raw, mtime=0) if path.suffix == ".gz" else raw)


def load_mnist(folder: str | Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """(images (N, 28, 28) uint8, labels (N,) int64) of MNIST's ``split`` (train | test)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError(f"{folder}: MNIST folder does not exist")
    image_stem, label_stem = FILES[split]
    images = read_idx(find(folder, image_stem), 3)
    labels = read_idx(find(folder, label_stem), 1)
    if images.shape[0] != labels.shape[0]:
        raise InputFileError(
            f"{folder}: {images.shape[0]} {split} images but {labels.shape[0]} labels"
        )
    return images, labels.astype(np.int64)
