"""The face-training job: checkpoints at the grid's epochs, bit-exact resume after a kill."""

import json
import subprocess
import sys

import pytest
import torch
from conftest import kill_during_training

from diffgen.cli import main
from diffgen.core.torchio import load_torch
from diffgen.images.checkpoints import checkpoint_epoch
from diffgen.images.models import load_unet

MODEL = {"base": 8, "mults": [1, 2], "attention": [False, True], "res_blocks": 1, "dropout": 0.1,
         "groups": 8}  # fmt: skip
SPEC = {
    "split": 1, "seed": 1, "n": 16, "epochs": 20, "checkpoints": [5, 12, 19], "model": MODEL,
    "diffusion": {"T": 50, "beta_start": 1e-4, "beta_end": 0.02}, "batch_size": 8, "lr": 1e-3,
    "mixed_precision": False,
}  # fmt: skip


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("faces") / "faces.h5"
    spec = {"data": {"path": "", "size": 8, "seed": 0}, "splits": 2, "n": 16, "n_test": 8}
    assert main(["biased", "faces-data", "--spec", json.dumps(spec), "--out", str(path)]) == 0
    return path


def _command(data_file, run_dir, spec=SPEC):
    return [sys.executable, "-m", "diffgen.cli", "biased", "faces-train", "--data", str(data_file),
            "--spec", json.dumps(spec), "--run-dir", str(run_dir), "--resume-every-seconds", "0",
            "--device", "cpu", "--threads", "1"]  # fmt: skip


def test_killed_training_resumes_bit_for_bit(data_file, tmp_path):
    reference = tmp_path / "reference"
    subprocess.run(_command(data_file, reference), check=True, capture_output=True)
    interrupted = tmp_path / "interrupted"
    killed_at = kill_during_training(
        _command(data_file, interrupted), interrupted, 6, SPEC["epochs"]
    )
    assert killed_at is not None and killed_at < SPEC["epochs"], "the run was not interrupted"
    assert not (interrupted / "epoch19.pt").exists()
    resumed = subprocess.run(
        _command(data_file, interrupted), check=True, capture_output=True, text=True
    )
    assert "resumed from" in resumed.stderr
    for epoch in SPEC["checkpoints"]:
        a = load_torch(reference / f"epoch{epoch}.pt")["model"]
        b = load_torch(interrupted / f"epoch{epoch}.pt")["model"]
        assert a.keys() == b.keys()
        for key in a:
            assert torch.equal(a[key], b[key]), f"{key} differs at epoch {epoch}"
    assert (reference / "train_log.csv").read_bytes().count(b"\n") == SPEC["epochs"] + 1
    model = load_unet(interrupted / "epoch19.pt", torch.device("cpu"))
    assert model.config.base == 8 and not model.training
    assert checkpoint_epoch(interrupted / "epoch12.pt") == 12
