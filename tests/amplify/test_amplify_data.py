"""Colour-biased digits: draw counts, colours, determinism, the IDX reader and its errors."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
import torch

from diffgen.amplify import data as amp_data
from diffgen.amplify.classifier import classify
from diffgen.amplify.colours import COLOUR_MAP
from diffgen.amplify.idx import load_mnist, read_idx, write_idx
from diffgen.core.errors import InputFileError


def spec(**changes):
    base = {
        "source": "digits",
        "mnist_path": None,
        "split": "train",
        "classes": [0, 1, 2],
        "rho": 0.8,
        "class_size": None,
        "no_digit": False,
        "resolution": 8,
        "seed": 3,
    }
    return {**base, **changes}  # fmt: skip


@pytest.mark.parametrize("rho", [0.5, 0.8, 0.99])
def test_aligned_counts_and_chunks(rho):
    labels = np.repeat(np.arange(4), [50, 47, 61, 40])
    rows, cls, bias = amp_data.assign(labels, [0, 1, 2, 3], rho, None, 7)
    for c, n in zip(range(4), [50, 47, 61, 40], strict=True):
        b = bias[cls == c]
        aligned = int(n * rho)
        assert (b[:aligned] == c).all() and (b[aligned:] != c).all()
        chunk = -(-(n - aligned) // 3)
        rest = b[aligned:]
        runs = [rest[i : i + chunk] for i in range(0, rest.size, chunk)]
        assert all((r == r[0]).all() for r in runs)
        assert len({int(r[0]) for r in runs}) == len(runs)
        assert (labels[rows[cls == c]] == c).all()


def test_class_size_keeps_first_shuffled():
    labels = np.repeat(np.arange(2), 30)
    rows_all, _, _ = amp_data.assign(labels, [0, 1], 0.9, None, 1)
    rows, cls, _ = amp_data.assign(labels, [0, 1], 0.9, 10, 1)
    assert (np.bincount(cls) == 10).all()
    assert set(rows[:10]) <= set(rows_all[:30])


@pytest.mark.parametrize("no_digit", [False, True])
def test_pixels_colour_or_white(no_digit):
    s = spec(no_digit=no_digit, resolution=16)
    d = amp_data.build(s)
    assert d.images.shape[1:] == (3, 16, 16)
    for img, b in zip(d.images[:200], d.biases[:200], strict=True):
        pixels = img.reshape(3, -1).T
        white = (pixels == 255).all(axis=1)
        coloured = (pixels == COLOUR_MAP[b]).all(axis=1)
        assert (white | coloured).all() and coloured.any()
        assert not white.any() if no_digit else white.any()


def test_same_config_same_bytes(tmp_path):
    s = spec()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    amp_data.save(amp_data.build(s), tmp_path / "a" / "data.h5", s)
    amp_data.save(amp_data.build(s), tmp_path / "b" / "data.h5", s)
    assert (tmp_path / "a" / "data.h5").read_bytes() == (tmp_path / "b" / "data.h5").read_bytes()
    loaded, provenance = amp_data.load(tmp_path / "a" / "data.h5")
    assert provenance["spec"] == s and loaded.images.dtype == np.uint8


@pytest.mark.parametrize("gz", [False, True])
def test_idx_reader_and_mnist_source(tmp_path, gz):
    rng = np.random.default_rng(0)
    images = (rng.random((40, 28, 28)) < 0.3).astype(np.uint8) * rng.integers(1, 256, (40, 28, 28))
    labels = np.tile(np.arange(10), 4).astype(np.uint8)
    ext = ".gz" if gz else ""
    write_idx(tmp_path / f"train-images-idx3-ubyte{ext}", images)
    write_idx(tmp_path / f"train-labels-idx1-ubyte{ext}", labels)
    got, got_labels = load_mnist(tmp_path, "train")
    assert (got == images).all() and (got_labels == labels).all()
    s = spec(source="mnist", mnist_path=str(tmp_path), classes=[0, 1], rho=0.5)
    d = amp_data.build(s)
    assert d.images.shape == (8, 3, 32, 32)
    assert (classify(amp_data.to_model(d.images)) == torch.from_numpy(d.biases)).all()


def test_idx_errors_are_one_line(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        load_mnist(tmp_path, "test")
    bad = tmp_path / "x-idx3-ubyte"
    bad.write_bytes(b"\x00\x00\x08\x03" + b"\x00\x00\x00\x02" * 3 + b"\x01" * 5)
    with pytest.raises(InputFileError, match="header says 8"):
        read_idx(bad, 3)
    bad.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputFileError, match="not an unsigned-byte IDX"):
        read_idx(bad, 3)
    gzbad = tmp_path / "y.gz"
    gzbad.write_bytes(gzip.compress(b"abc")[:5])
    with pytest.raises(InputFileError, match=r"y\.gz"):
        read_idx(gzbad, 1)
