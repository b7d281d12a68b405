"""bpUNet training: checkpoint steps, bit-exact resume after SIGKILL, completion, bad inputs."""

import json
import sys

import pytest
import torch
from conftest import kill_during_training
from rhm_support import one_thread  # noqa: F401 (autouse fixture)

from diffgen.cli import main
from diffgen.core.torchio import load_torch
from diffgen.rhm.checkpoints import load_model
from diffgen.rhm.plan import checkpoint_steps

STEPS = 120
SPEC = {
    "grammar": "v8n8m3s2L3", "P": 256, "seed": 1, "steps": STEPS,
    "checkpoints": checkpoint_steps(STEPS),
    "network": {"v": 8, "s": 2, "d": 8, "width": 16, "depth": 3, "T": 200}, "seed_model": 3,
    "diffusion": {"T": 200, "beta1": 0.001, "beta2": 0.1}, "batch_size": 48, "lr": 1e-3,
    "n_trajectories": 2, "mixed_precision": True, "log_every": 25,
}  # fmt: skip


def test_checkpoints_are_powers_of_two_and_the_last_step():
    assert checkpoint_steps(160_000) == [2**k for k in range(18)] + [160_000]
    assert checkpoint_steps(4096) == [2**k for k in range(13)]
    assert checkpoint_steps(1) == [1]


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("rhm") / "data.h5"
    spec = {
        "grammar": {"v": 8, "n": 8, "m": 3, "s": 2, "L": 3}, "seed_rules": 42, "rules_path": "",
        "P": 256, "P_test": 64, "seed_sample": 1, "replacement": False,
    }  # fmt: skip
    assert main(["rhm", "data", "--spec", json.dumps(spec), "--out", str(path)]) == 0
    return path


def _arguments(data_file, run_dir, spec=SPEC, resume_every="600"):
    """A training command line; resume states every ``resume_every`` seconds (and checkpoint)."""
    return ["rhm", "train", "--data", str(data_file), "--spec", json.dumps(spec), "--run-dir",
            str(run_dir), "--resume-every-seconds", resume_every, "--device", "cpu",
            "--threads", "1"]  # fmt: skip


def test_killed_training_resumes_bit_for_bit(data_file, tmp_path, capsys):
    reference = tmp_path / "reference"
    assert main(_arguments(data_file, reference)) == 0
    interrupted = tmp_path / "interrupted"
    command = [sys.executable, "-m", "diffgen.cli", *_arguments(data_file, interrupted, SPEC, "0")]
    killed_at = kill_during_training(command, interrupted, 30, STEPS, timeout=120)
    assert killed_at is not None, "the run was not interrupted"
    assert not (interrupted / f"step{STEPS}.pt").exists()
    capsys.readouterr()
    assert main(_arguments(data_file, interrupted)) == 0
    assert "resumed from" in capsys.readouterr().err
    for step in SPEC["checkpoints"]:
        a, b = (load_torch(d / f"step{step}.pt")["model"] for d in (reference, interrupted))
        assert all(torch.equal(a[k], b[k]) for k in a), step
    logs = [(d / "train_log.csv").read_text().splitlines() for d in (reference, interrupted)]
    assert len(logs[0]) > 5
    assert [line.split(",")[:4] for line in logs[0]] == [line.split(",")[:4] for line in logs[1]]
    model, payload = load_model(interrupted / f"step{STEPS}.pt")
    assert payload["step"] == STEPS and model.config.width == 16 and payload["loss_ema"] > 0
    # Outputs lost after training finished (Snakemake deletes a failed job's) come back as is.
    before = (interrupted / f"step{STEPS}.pt").read_bytes()
    (interrupted / f"step{STEPS}.pt").unlink()
    assert main(_arguments(data_file, interrupted)) == 0
    assert "already trained" in capsys.readouterr().err
    assert (interrupted / f"step{STEPS}.pt").read_bytes() == before


def test_bad_inputs_are_one_line_errors(data_file, tmp_path, capsys):
    assert main(_arguments(data_file, tmp_path / "r", dict(SPEC, P=300))) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    # The dataset's identity record says P = 256: the job refuses it, naming both.
    assert len(lines) == 1 and lines[0].startswith(f"diffgen: {data_file}: holds rhm/data")
    assert '{"P":256}' in lines[0] and '{"P":300}' in lines[0], lines
    bad = tmp_path / "step8.pt"
    bad.write_bytes(b"\x00garbage")
    spec = {"run": {"grammar": "v8n8m3s2L3", "P": 256, "seed": 0}, "step": 8,
            "diffusion": SPEC["diffusion"], "n_samples": 4, "seed": 0, "batch_size": 4,
            "mixed_precision": False}  # fmt: skip
    arguments = ["rhm", "sample", "--checkpoint", str(bad), "--spec", json.dumps(spec),
                 "--out", str(tmp_path / "s.h5"), "--device", "cpu"]  # fmt: skip
    assert main(arguments) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "step8.pt" in lines[0] and lines[0].startswith("diffgen:")
