"""MoLRG, digits and image-folder data: exact, seeded, nested; one-line errors."""

import zipfile

import numpy as np
import pytest
from PIL import Image

from diffgen.core.errors import ConfigError, InputFileError
from diffgen.repro import data, molrg


def test_basis_orthonormal_and_seeded():
    u = molrg.basis(4, 2, 6, seed=3)
    assert u.shape == (48, 12)
    np.testing.assert_allclose(u.T @ u, np.eye(12), atol=1e-10)
    np.testing.assert_array_equal(u, molrg.basis(4, 2, 6, seed=3))
    assert not np.allclose(u, molrg.basis(4, 2, 6, seed=4))


def test_samples_in_span_nested_and_seeded():
    u = molrg.basis(4, 2, 6, seed=0)
    big = molrg.sample(u, 2, 6, 64, seed=1)
    small = molrg.sample(u, 2, 6, 16, seed=1)
    np.testing.assert_array_equal(big[:16], small)
    for k in range(2):
        uk = u[:, 6 * k : 6 * k + 6]
        rows = big[k::2]
        np.testing.assert_allclose(rows - rows @ uk @ uk.T, 0, atol=1e-10)
    assert np.all(molrg.subspace_residual(big, u, 2, 6) < 1e-10)
    held = molrg.sample(u, 2, 6, 16, seed=1, held_out=True)
    assert not np.allclose(held, small)
    assert not np.allclose(molrg.sample(u, 2, 6, 16, seed=2), small)


def test_chw_view_matches_reference_reshape():
    r = 2
    hwc = np.arange(12.0)
    chw = hwc[molrg.chw_order(r)]
    np.testing.assert_array_equal(chw.reshape(3, r, r), hwc.reshape(r, r, 3).transpose(2, 0, 1))


def test_bad_molrg_shapes():
    with pytest.raises(ConfigError, match="exceeds"):
        molrg.basis(1, 2, 2, 0)
    with pytest.raises(ConfigError, match="multiple"):
        molrg.sample(molrg.basis(2, 2, 2, 0), 2, 2, 5, 0)


def test_digits_range_and_order():
    x = data.digits(10)
    assert x.shape == (10, 1, 8, 8) and x.dtype == np.float32
    assert x.min() >= -1 and x.max() <= 1
    from sklearn.datasets import load_digits

    np.testing.assert_allclose(x[3].ravel(), load_digits().data[3] / 8 - 1)


def _png(path, value):
    Image.fromarray(np.full((32, 32, 3), value, np.uint8)).save(path)


def test_image_folder_and_zip(tmp_path):
    folder = tmp_path / "imgs"
    folder.mkdir()
    for i, value in enumerate((255, 0, 51)):
        _png(folder / f"{i:06d}.png", value)
    x = data.images(folder, 2)
    assert x.shape == (2, 3, 32, 32)
    assert x[0].max() == 1.0 and x[1].min() == -1.0
    archive = tmp_path / "imgs.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in sorted(folder.iterdir()):
            z.write(p, f"train/{p.name}")
    np.testing.assert_array_equal(data.images(archive, 3)[:2], x)


def test_image_errors(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        data.images(tmp_path / "nope", 1)
    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip")
    with pytest.raises(InputFileError, match="not a zip"):
        data.images(bad, 1)
    folder = tmp_path / "f"
    folder.mkdir()
    _png(folder / "a.png", 1)
    with pytest.raises(InputFileError, match="holds 1 images, 2 needed"):
        data.images(folder, 2)
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(folder / "b.png")
    with pytest.raises(InputFileError, match="not 32x32"):
        data.images(folder, 2)


MOLRG_SPEC = {"dataset": "molrg", "N": 16, "held_out": 4, "images_path": None,
              "molrg": {"r": 4, "K": 2, "d": 6, "basis_seed": 0, "seed": 1}}  # fmt: skip


def test_data_file_round_trip(tmp_path):
    path = tmp_path / "d.h5"
    data.write(path, MOLRG_SPEC)
    arrays, spec = data.load(path)
    assert spec == MOLRG_SPEC
    assert arrays["x"].shape == (16, 3, 4, 4) and arrays["held"].shape == (4, 3, 4, 4)
    assert arrays["basis"].shape == (48, 12)
    again = tmp_path / "e.h5"
    data.write(again, MOLRG_SPEC)
    assert path.read_bytes() == again.read_bytes()
    with pytest.raises(InputFileError, match="does not exist"):
        data.load(tmp_path / "missing.h5")
