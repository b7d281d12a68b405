"""Face data of study 1: synthetic faces, the CelebA folder loader, the data job, config checks."""

import copy
import json

import numpy as np
import pytest
from conftest import ROOT, workflow_config
from PIL import Image

from diffgen.biased.faces import celeba, synthfaces
from diffgen.biased.faces.config import check_consistency
from diffgen.biased.faces.plan import FacesPlan, checkpoint_grid
from diffgen.cli import main
from diffgen.core.config import load_schema, merge, validate
from diffgen.core.errors import ConfigError, InputFileError
from diffgen.images import dataset


def faces_config(preset: bool = False, **changes) -> dict:
    """The ``biased.faces`` section at paper scale (+ the small preset), defaults filled in."""
    presets = ("resources/presets/small.yaml",) if preset else ()
    config = merge(workflow_config(*presets, study="biased")["faces"], changes)
    schema = load_schema(ROOT / "workflow" / "studies" / "biased" / "schema.yaml")
    validate(config, schema["properties"]["faces"], "biased.faces")
    return config


def test_synthetic_faces_are_seeded_prefix_stable_and_in_range():
    first = synthfaces.generate(0, synthfaces.TRAIN_STREAM, 0, 1100)
    assert first.shape == (1100, 1, 32, 32) and first.dtype == np.float32
    assert first.min() >= 0.0 and first.max() <= 1.0 and 0.2 < first.mean() < 0.6
    assert np.array_equal(synthfaces.generate(0, 0, 1000, 1050), first[1000:1050])
    assert np.array_equal(synthfaces.generate(0, 0, 0, 2048)[:1100], first)
    assert not np.array_equal(synthfaces.generate(1, 0, 0, 10), first[:10])
    test = synthfaces.generate(0, synthfaces.TEST_STREAM, 0, 10)
    assert not np.isclose(test[:, None], first[None, :20]).all(axis=(2, 3, 4)).any()
    small = synthfaces.generate(0, 0, 0, 10, size=16)
    expected = first[:10].reshape(10, 1, 16, 2, 16, 2).mean(axis=(3, 5))
    np.testing.assert_allclose(small, expected, atol=1e-6)
    # Faces: a bright ellipse near the centre over a darker rim, on average.
    mean = first.mean(axis=0)[0]
    assert mean[14:22, 12:20].mean() > mean[:, :3].mean() + 0.1


def row_coded(path, height=218, width=178):
    """An RGB image whose rows code their index: R = row/217, G = 0.5, B = 1 − row/217."""
    ramp = np.arange(height, dtype=np.float64) / (height - 1)
    rgb = np.stack([ramp, np.full(height, 0.5), 1 - ramp], axis=-1)[:, None, :]
    rgb = np.broadcast_to(rgb, (height, width, 3))
    Image.fromarray(np.round(rgb * 255).astype(np.uint8)).save(path)
    return np.round(rgb * 255) / 255


def test_celeba_loader_crops_rows_4_to_35_and_weighs_the_channels(tmp_path):
    pixels = [row_coded(tmp_path / f"{i:06d}.png") for i in range(1, 5)]
    train, test, train_names, test_names = celeba.load(tmp_path, 32, 3, 1)
    assert train.shape == (3, 1, 32, 32) and test.shape == (1, 1, 32, 32)
    assert train_names == ["000001.png", "000002.png", "000003.png"] and test_names == [
        "000004.png"
    ]
    # Reference: Pillow's antialiased bilinear resize of each channel to 32×39, rows 4..35,
    # then 0.2989 R + 0.587 G + 0.114 B.
    channels = [
        np.asarray(Image.fromarray(pixels[0][..., c].astype(np.float32)).resize((32, 39), 2))
        for c in range(3)
    ]
    gray = 0.2989 * channels[0] + 0.587 * channels[1] + 0.114 * channels[2]
    np.testing.assert_allclose(train[0, 0], gray[4:36], atol=2e-6)
    # The rows are what the crop keeps: row i of the output codes source row ≈ (i+4.5)·218/39 − 0.5.
    source_rows = (np.arange(4, 36) + 0.5) * 218 / 39 - 0.5
    expected = 0.2989 * source_rows / 217 + 0.587 * 0.5 + 0.114 * (1 - source_rows / 217)
    np.testing.assert_allclose(train[0, 0, :, 16], expected, atol=2e-3)


def test_celeba_loader_errors_name_the_folder_or_file(tmp_path):
    with pytest.raises(InputFileError, match="nowhere: image folder does not exist"):
        celeba.load(tmp_path / "nowhere", 32, 1, 1)
    row_coded(tmp_path / "1.png")
    with pytest.raises(InputFileError, match="holds 1 images, 3 needed"):
        celeba.load(tmp_path, 32, 2, 1)
    (tmp_path / "2.jpg").write_bytes(b"\xff\xd8 truncated")
    with pytest.raises(InputFileError, match=r"2.jpg: unreadable image"):
        celeba.load(tmp_path, 32, 1, 1)


def test_paper_and_small_configs_pass_their_checks():
    paper, small = faces_config(), faces_config(preset=True)
    check_consistency(paper)
    check_consistency(small)
    plan = FacesPlan(paper)
    assert plan.grid[:3] == [10, 111, 213] and plan.grid[-1] == 4999 and len(plan.grid) == 50
    assert plan.generation_epochs[0] == 111 and plan.generation_epochs[-1] == 2046
    assert len(plan.generation_epochs) == 20 and len(plan.noise_prediction_epochs) == 49
    assert len(plan.pairs()) == 105 and len(plan.ordered_pairs()) == 210
    assert plan.batch_size() == 512 and FacesPlan(small).batch_size() == 32
    with pytest.raises(ValueError, match="repeat epochs"):
        checkpoint_grid(20, 15, 10)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"data": {"pool": 17407}}, "biased.faces.data.pool"),
        ({"splits": 16}, "biased.faces.data.pool"),
        ({"data": {"path": "/nonexistent/img_align_celeba"}}, "biased.faces.data.path"),
        ({"generation": {"checkpoints": [1, 51]}}, "biased.faces.generation.checkpoints"),
        ({"noise_prediction": {"ks": [200, 1000]}}, "biased.faces.noise_prediction.ks"),
        ({"similarity": {"pair": [3, 3]}}, "biased.faces.similarity.pair"),
        ({"loss": {"images": 2000}}, "biased.faces.loss.images"),
        ({"data": {"size": 24}}, "biased.faces.data.size"),
        ({"training": {"epochs": 40}}, "biased.faces.training.checkpoints"),
    ],
)
def test_inconsistent_configs_are_one_line_naming_the_key(changes, key):
    with pytest.raises(ConfigError) as err:
        check_consistency(faces_config(**changes))
    message = str(err.value)
    assert message.startswith(f"config key '{key}'") and "\n" not in message, message


def test_a_celeba_folder_with_too_few_images_is_a_config_error(tmp_path):
    for i in range(3):
        row_coded(tmp_path / f"{i}.png", 20, 16)
    config = faces_config(preset=True, data={"path": str(tmp_path)})
    with pytest.raises(ConfigError, match=r"'biased.faces.data.path'.* the pool holds 3"):
        check_consistency(config)
    enough = {"data": {"path": str(tmp_path)}, "splits": 2, "n": 1, "n_test": 1}
    check_consistency(faces_config(preset=True, loss={"images": 1}, **enough))


def _data_job(spec: dict, out) -> None:
    assert main(["biased", "faces-data", "--spec", json.dumps(spec), "--out", str(out)]) == 0


def test_data_job_is_byte_reproducible_with_disjoint_splits_and_the_pool_mean(tmp_path):
    spec = {"data": {"path": "", "size": 16, "seed": 0}, "splits": 3, "n": 8, "n_test": 5}
    # Same file name in two folders: the identity record names the file's place.
    first, second = tmp_path / "a" / "faces.h5", tmp_path / "b" / "faces.h5"
    first.parent.mkdir()
    second.parent.mkdir()
    _data_job(spec, first)
    _data_job(copy.deepcopy(spec), second)
    assert first.read_bytes() == second.read_bytes()
    faces = dataset.load(first)
    assert faces.train.shape == (24, 1, 16, 16) and faces.test.shape == (5, 1, 16, 16)
    assert faces.attrs["mean"] == pytest.approx(faces.train.astype(np.float64).mean())
    assert np.array_equal(faces.split(1, 8), synthfaces.generate(0, 0, 8, 16, 16))
    assert np.array_equal(faces.test, synthfaces.generate(0, 1, 0, 5, 16))
