"""Image datasets in HDF5, image folders and resizing in the image core."""

import numpy as np
import pytest
import torch
from PIL import Image

from diffgen.core.errors import ConfigError, InputFileError
from diffgen.images import dataset
from diffgen.images.folder import list_images, natural_key, read_rgb
from diffgen.images.transforms import center_crop, resize_short_side, rgb_to_gray, short_side_shape


def make_dataset(train=96, test=32, dtype=np.float32):
    rng = np.random.default_rng(0)
    return dataset.ImageDataset(
        rng.random((train, 3, 5, 7)).astype(dtype), rng.random((test, 3, 5, 7)).astype(dtype),
        {"mean": 0.25, "source": "test"},
    )  # fmt: skip


def test_dataset_round_trip_keeps_arrays_attributes_and_bytes(tmp_path):
    original = make_dataset()
    dataset.save(original, tmp_path / "a.h5", {"spec": {"x": 1}})
    dataset.save(original, tmp_path / "b.h5", {"spec": {"x": 1}})
    assert (tmp_path / "a.h5").read_bytes() == (tmp_path / "b.h5").read_bytes()
    loaded = dataset.load(tmp_path / "a.h5")
    assert np.array_equal(loaded.train, original.train) and np.array_equal(
        loaded.test, original.test
    )
    assert loaded.attrs["mean"] == 0.25 and loaded.attrs["source"] == "test"
    only_train = dataset.load(tmp_path / "a.h5", parts=("train",))
    assert only_train.test.shape == (0, 3, 5, 7)


def test_splits_are_disjoint_contiguous_blocks_and_never_the_test_set():
    data = make_dataset()
    rows = [dataset.split_rows(i, 32, 96) for i in range(3)]
    assert [(r.start, r.stop) for r in rows] == [(0, 32), (32, 64), (64, 96)]
    splits = [data.split(i, 32) for i in range(3)]
    seen = {s.tobytes() for split in splits for s in split}
    assert len(seen) == 96
    assert not seen & {t.tobytes() for t in data.test_set(32)}
    with pytest.raises(ConfigError, match="needs 128 images but the pool holds 96"):
        data.split(3, 32)


def test_too_small_a_pool_is_one_line_naming_the_key():
    dataset.require_pool(15, 1024, 2048, 17408, "faces.data.pool")
    with pytest.raises(ConfigError) as err:
        dataset.require_pool(15, 1024, 2048, 17407, "faces.data.pool")
    assert str(err.value).startswith("config key 'faces.data.pool': ")
    assert "17,408" in str(err.value) and "\n" not in str(err.value)


def test_a_file_of_another_kind_is_one_line(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        dataset.load(tmp_path / "missing.h5")
    (tmp_path / "junk.h5").write_bytes(b"junk")
    with pytest.raises(InputFileError, match=r"junk\.h5: corrupt or unreadable"):
        dataset.load(tmp_path / "junk.h5")


def test_folder_lists_images_in_natural_order_and_names_bad_files(tmp_path):
    for name in ("10.png", "2.png", "1.jpg", "notes.txt", "B3.PNG"):
        path = tmp_path / name
        if name.endswith("txt"):
            path.write_text("x")
        else:
            Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(path)
    assert [p.name for p in list_images(tmp_path)] == ["1.jpg", "2.png", "10.png", "B3.PNG"]
    assert natural_key("img2") < natural_key("img10")
    (tmp_path / "broken.png").write_bytes(b"not an image")
    with pytest.raises(InputFileError, match=r"broken\.png: unreadable image"):
        read_rgb(tmp_path / "broken.png")
    with pytest.raises(InputFileError, match="does not exist"):
        list_images(tmp_path / "nowhere")
    assert read_rgb(tmp_path / "2.png").shape == (4, 4, 3)


def test_resize_and_crop_follow_torchvisions_rules():
    assert short_side_shape(218, 178, 32) == (39, 32)
    assert short_side_shape(100, 200, 50) == (50, 100)
    # Antialiased bilinear = Pillow's BILINEAR resampling of float images (what the
    # reference's torchvision Resize reproduces).
    image = np.random.default_rng(0).random((218, 178)).astype(np.float32)
    ours = resize_short_side(torch.from_numpy(image).view(1, 1, 218, 178), 32)[0, 0].numpy()
    pillow = np.asarray(Image.fromarray(image).resize((32, 39), Image.BILINEAR))
    assert ours.shape == (39, 32) and np.abs(ours - pillow).max() < 1e-5
    ramp = torch.arange(39, dtype=torch.float64).view(1, 1, 39, 1).expand(1, 1, 39, 32)
    torch.testing.assert_close(center_crop(ramp, 32)[0, 0, :, 0], torch.arange(4.0, 36.0).double())
    gray = rgb_to_gray(torch.tensor([1.0, 0.0, 0.0]).view(1, 3, 1, 1).expand(2, 3, 4, 4))
    assert gray.shape == (2, 1, 4, 4) and torch.allclose(gray, torch.full_like(gray, 0.2989))
