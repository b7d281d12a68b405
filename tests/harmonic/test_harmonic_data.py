"""Study 2's data: C^α and disc generators, digits, CelebA folders, splits."""

import numpy as np
import pytest
import torch
from PIL import Image

from diffgen.core.errors import ConfigError, InputFileError
from diffgen.harmonic import celeba, datasets, generators

CALPHA = {"name": "calpha", "alpha": 2.0, "beta": 2.0}


def test_calpha_images_in_range_seeded_and_prefix_stable():
    x = generators.generate(CALPHA, 16, 3, 0, 0, 300)
    assert x.shape == (300, 1, 16, 16) and x.dtype == np.float32
    assert x.min() >= 0 and x.max() <= 1
    np.testing.assert_array_equal(x[:40], generators.generate(CALPHA, 16, 3, 0, 0, 40))
    np.testing.assert_array_equal(x[260:270], generators.generate(CALPHA, 16, 3, 0, 260, 270))
    assert not np.array_equal(x[:10], generators.generate(CALPHA, 16, 4, 0, 0, 10))
    assert not np.array_equal(x[:10], generators.generate(CALPHA, 16, 3, 1, 0, 10))


def test_calpha_contour_is_clamped_and_weights_follow_the_frequencies():
    rng = np.random.default_rng(0)
    _, c = generators.calpha_chunk(rng, 256, 16, 1.0, 1.0)
    assert c.min() >= 0 and c.max() <= 16
    w = generators.frequency_weight(8, 2.0, 1)
    np.testing.assert_allclose(w, [1, 1, 1 / 4, 1 / 9, 1 / 16, 1 / 9, 1 / 4, 1])
    assert generators.frequency_weight(4, 1.0, 2)[1, 1] == pytest.approx(1 / np.sqrt(2))


def test_disc_tangent_space_has_rank_five_and_its_projector_is_idempotent():
    theta = torch.tensor([8.2, 7.6, 4.1, 0.9, 0.2], dtype=torch.float64)
    T = generators.disc_tangent(theta, 16)
    assert T.shape == (256, 5) and torch.linalg.matrix_rank(T) == 5
    P = generators.tangent_projector(theta, 16)
    torch.testing.assert_close(P @ P, P)
    assert torch.trace(P).item() == pytest.approx(5.0)
    flat = theta.clone()
    flat[3] = flat[4]  # f = b: the centre and radius leave the image unchanged
    assert torch.linalg.matrix_rank(generators.disc_tangent(flat, 16)) < 5


def test_disc_images_match_their_parameters():
    x = generators.generate({"name": "disc"}, 16, 2, 0, 0, 20)
    theta = generators.disc_rows(16, 2, 0, 0, 20)
    assert (theta[:, 2] >= 3).all() and (theta[:, 2] < 6).all()
    assert (theta[:, :2] >= theta[:, 2:3]).all() and (theta[:, :2] < 16 - theta[:, 2:3]).all()
    again = generators.disc_image(torch.from_numpy(theta), 16).numpy()
    np.testing.assert_allclose(x, again, atol=1e-6)


def test_splits_are_disjoint_nested_and_test_never_in_a_split():
    pool = 64
    a16 = datasets.images(CALPHA, 16, 0, "A", 16, pool)
    a4 = datasets.images(CALPHA, 16, 0, "A", 4, pool)
    b16 = datasets.images(CALPHA, 16, 0, "B", 16, pool)
    b4 = datasets.images(CALPHA, 16, 0, "B", 4, pool)
    test = datasets.images(CALPHA, 16, 0, "test", 8, pool)
    np.testing.assert_array_equal(a16[:4], a4)
    np.testing.assert_array_equal(b16[-4:], b4)
    flat = lambda x: {row.tobytes() for row in x}  # noqa: E731
    assert not flat(a16) & flat(b16) and not flat(test) & (flat(a16) | flat(b16))
    with pytest.raises(ConfigError):
        datasets.images(CALPHA, 16, 0, "A", 40, pool)


def test_digits_and_finite_splits():
    x = datasets.digits()
    assert x.shape == (1797, 1, 16, 16) and x.min() >= 0 and x.max() <= 1
    kind = {"name": "digits", "n_test": 512}
    test = datasets.images(kind, 16, 0, "test", 512, 0, x)
    a = datasets.images(kind, 16, 0, "A", 100, 0, x)
    b = datasets.images(kind, 16, 0, "B", 100, 0, x)
    np.testing.assert_array_equal(test, x[-512:])
    np.testing.assert_array_equal(a, x[:100])
    np.testing.assert_array_equal(b, x[1797 - 512 - 100 : 1797 - 512])


def _write_faces(folder, count, size=(178, 218)):
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(count):
        pixels = rng.integers(0, 255, size=(size[1], size[0], 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{i + 1:06d}.png")
    return folder


def test_celeba_folder_is_cropped_resized_gray_and_deduplicated(tmp_path):
    folder = _write_faces(tmp_path / "faces", 3)
    x = celeba.load_folder(folder)
    assert x.shape == (3, 1, 80, 80) and x.min() >= 0 and x.max() <= 1
    rgb = np.asarray(Image.open(folder / "000002.png"))
    crop = Image.fromarray(rgb[29:-29, 9:-9]).resize((80, 80), Image.BICUBIC)
    np.testing.assert_allclose(x[1, 0], np.asarray(crop, np.float32).mean(axis=2) / 255, atol=1e-6)
    dup = np.concatenate([x, x[:1] * 0.5 + 0.1, 1 - x[1:2]])
    np.testing.assert_array_equal(celeba.duplicates(dup, chunk=2), [0, 0, 0, 1, 1])


def test_celeba_bad_paths_are_one_line(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        celeba.load_folder(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError, match="no "):
        celeba.load_folder(tmp_path / "empty")
    _write_faces(tmp_path / "small", 1, size=(10, 10))
    with pytest.raises(InputFileError, match="too small"):
        celeba.load_folder(tmp_path / "small")
