"""Transformer, LR schedule, checkpoint schedule, and bit-exact resume after a kill."""

import itertools
import json
import subprocess
import sys
import time
from dataclasses import replace

import pytest
import torch
from conftest import kill_during_training, paper_transformer

from diffgen.biased import dataset
from diffgen.biased.checkpoints import checkpoint_epochs, load_model
from diffgen.biased.network import TransformerDenoiser, parameter_count
from diffgen.biased.training import lr_multiplier
from diffgen.core.torchio import load_torch

SPEC = {
    "n": 256, "split": 1, "seed": 3, "epochs": 30, "checkpoints": [5, 12, 30],
    "model": {"vocab": 6, "length": 16, "d_model": 32, "heads": 2, "layers": 2,
              "ff_mult": 2, "time_dim": 32, "dropout": 0.1},
    "T": 50, "beta_start": 1e-4, "beta_end": 0.02, "batch_size": 64, "lr": 1e-3,
    "lr_warm_epochs": 5, "lr_mid": 0.5, "lr_final": 0.1, "mixed_precision": False,
}  # fmt: skip


def test_paper_transformer_has_about_17m_parameters():
    count = parameter_count(TransformerDenoiser(paper_transformer()))
    assert 16_500_000 < count < 17_500_000
    model = TransformerDenoiser(replace(paper_transformer(), d_model=16, heads=2, layers=1))
    out = model(torch.randn(3, 16, 6), torch.tensor([1, 250, 500]))
    assert out.shape == (3, 16, 6)


def test_lr_schedule_matches_the_spec():
    assert lr_multiplier(0, 1000, 50, 0.5, 0.1) == 1.0
    assert lr_multiplier(25, 1000, 50, 0.5, 0.1) == pytest.approx(0.75)
    assert lr_multiplier(50, 1000, 50, 0.5, 0.1) == pytest.approx(0.5)
    assert lr_multiplier(525, 1000, 50, 0.5, 0.1) == pytest.approx(0.3)
    assert lr_multiplier(1000, 1000, 50, 0.5, 0.1) == pytest.approx(0.1)


def test_checkpoint_epochs_are_log_spaced_unique_and_end_at_the_last_epoch():
    paper = checkpoint_epochs(20000, 25, 100)
    assert len(paper) == 25 and paper[0] == 100 and paper[-1] == 20000
    assert all(
        b / a == pytest.approx(200 ** (1 / 24), rel=0.02) for a, b in itertools.pairwise(paper)
    )
    assert checkpoint_epochs(8, 25, 1) == list(range(1, 9))


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "grammar.h5"
    dataset.save(dataset.generate(6, 4, 1.0, 4, 0, 2048, 256, 0), path, {})
    return path


def _command(data_file, out_dir):
    return [sys.executable, "-m", "diffgen.cli", "biased", "train", "--data", str(data_file),
            "--spec", json.dumps(SPEC), "--run-dir", str(out_dir),
            "--resume-every-seconds", "0", "--device", "cpu", "--threads", "1"]  # fmt: skip


def test_killed_training_resumes_bit_for_bit(data_file, tmp_path):
    reference = tmp_path / "reference"
    subprocess.run(_command(data_file, reference), check=True, capture_output=True)
    interrupted = tmp_path / "interrupted"
    cmd = _command(data_file, interrupted)
    killed_at = kill_during_training(cmd, interrupted, 8, SPEC["epochs"], timeout=120)
    assert killed_at is not None and killed_at < SPEC["epochs"], "the run was not interrupted"
    assert not (interrupted / "epoch30.pt").exists()
    resumed = subprocess.run(cmd, check=True, capture_output=True, text=True)
    assert "resumed from" in resumed.stderr
    for epoch in SPEC["checkpoints"]:
        a = load_torch(reference / f"epoch{epoch}.pt")["model"]
        b = load_torch(interrupted / f"epoch{epoch}.pt")["model"]
        assert a.keys() == b.keys()
        for key in a:
            assert torch.equal(a[key], b[key]), f"{key} differs at epoch {epoch}"
    assert (reference / "train_log.csv").read_text().count("\n") == SPEC["epochs"] + 1
    model = load_model(interrupted / "epoch30.pt")
    assert model.config.d_model == 32


def test_outputs_lost_after_a_finished_training_come_back_without_training(data_file, tmp_path):
    """A job killed after training (Snakemake then deletes its outputs) is not trained again."""
    run_dir = tmp_path / "run"
    subprocess.run(_command(data_file, run_dir), check=True, capture_output=True)
    record = load_torch(run_dir / ".work" / "state.pt")
    assert record["complete"] and "model" not in record, "the record holds no weights"
    outputs = [*sorted(run_dir.glob("epoch*.pt")), run_dir / "train_log.csv"]
    before = {p.name: p.read_bytes() for p in outputs}
    for path in outputs:
        path.unlink()
    again = subprocess.run(_command(data_file, run_dir), check=True, capture_output=True, text=True)
    assert "already trained" in again.stderr and "epochs (" not in again.stderr, again.stderr
    assert {p.name: p.read_bytes() for p in outputs} == before
    # A completion record whose staged copies are gone trains again, to the same bytes.
    for path in [*outputs, run_dir / ".work" / "epoch5.pt"]:
        path.unlink()
    third = subprocess.run(_command(data_file, run_dir), check=True, capture_output=True, text=True)
    assert "staged outputs are missing or corrupt; training again" in third.stderr, third.stderr
    assert {p.name: p.read_bytes() for p in outputs if p.suffix == ".pt"} == {
        name: data for name, data in before.items() if name.endswith(".pt")
    }


def test_resume_state_of_another_config_is_ignored(data_file, tmp_path):
    out = tmp_path / "run"
    cmd = _command(data_file, out)
    other = dict(SPEC, lr=5e-4)
    cmd_other = [*cmd]
    cmd_other[cmd.index("--spec") + 1] = json.dumps(other)
    # Leave a resume state from the other config behind (as a killed job would).
    proc = subprocess.Popen(cmd_other, stderr=subprocess.DEVNULL)
    while not (out / ".work" / "state.pt").exists() and proc.poll() is None:
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "belongs to another run, data or code; starting over" in result.stderr
    assert "resumed from" not in result.stderr


def test_corrupt_checkpoint_is_a_one_line_error(tmp_path, data_file):
    bad = tmp_path / "epoch5.pt"
    bad.write_bytes(b"\x00garbage")
    result = subprocess.run(
        [sys.executable, "-m", "diffgen.cli", "biased", "loss", "--data", str(data_file),
         "--checkpoints", str(bad), "--spec", json.dumps(
             {"n": 256, "split": 0, "seed": 0, "loss_sequences": 10, "eval_seed": 0,
              "mixed_precision": False, "train_loss_sequences": None, "batch_size": 64,
              "diffusion": {"T": 50, "beta_start": 1e-4, "beta_end": 0.02}}),
         "--out", str(tmp_path / "loss.csv"), "--device", "cpu"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("diffgen:")]
    assert len(lines) == 1 and "epoch5.pt" in lines[0]


def test_a_finished_run_is_not_reused_for_other_data(data_file, tmp_path):
    """Same spec and run directory, other training data: train again, to other weights."""
    run_dir = tmp_path / "run"
    subprocess.run(_command(data_file, run_dir), check=True, capture_output=True)
    first = load_torch(run_dir / "epoch30.pt")["model"]
    other_data = tmp_path / "other.h5"
    dataset.save(dataset.generate(6, 4, 1.0, 4, 0, 2048, 256, 1), other_data, {})  # data.seed 1
    again = subprocess.run(
        _command(other_data, run_dir), check=True, capture_output=True, text=True
    )
    assert "already trained" not in again.stderr
    assert "belongs to another run, data or code" in again.stderr
    second = load_torch(run_dir / "epoch30.pt")["model"]
    assert any(not torch.equal(first[key], second[key]) for key in first)
