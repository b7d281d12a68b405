"""EDMTrainer: learning-rate schedule, batches, EMA, learning, bit-exact resume after a kill."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from conftest import kill_during_training
from edm_train_run import CHECKPOINTS, STEPS, main, make_trainer

from diffgen.core.torchio import load_torch
from diffgen.images.edm.training import LRSchedule

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("edm_train_run.py")


def test_lr_schedule_ramps_on_images_seen_and_follows_the_cosine():
    ramp = LRSchedule(1e-3, rampup_images=1000)
    assert ramp.at(0, 100, 0) == 0.0  # the reference's first step runs at lr 0
    assert ramp.at(3, 100, 500) == pytest.approx(5e-4)
    assert ramp.at(50, 100, 10_000) == pytest.approx(1e-3)
    cosine = LRSchedule(1e-3, cosine=True)
    assert cosine.at(0, 100, 0) == pytest.approx(1e-3)
    assert cosine.at(50, 100, 0) == pytest.approx(5e-4)
    assert cosine.at(100, 100, 0) == pytest.approx(0.0)
    assert LRSchedule(2e-3).at(7, 10, 5) == 2e-3


def test_steps_draw_full_batches_across_epochs_and_update_the_ema():
    trainer = make_trainer()
    seen = torch.cat([trainer._batch() for _ in range(5)])  # 30 rows of a 10-image set
    assert seen.shape == (30,)
    for epoch in range(3):
        assert sorted(seen[10 * epoch : 10 * (epoch + 1)].tolist()) == list(range(10))
    trainer = make_trainer()
    before = trainer.model.map_layer0.weight.detach().clone()
    trainer.advance()
    # The first step runs at lr 0 (no images seen yet) and the EMA copies the net.
    assert torch.equal(trainer.model.map_layer0.weight, before)
    assert torch.equal(trainer.ema.module.map_layer0.weight, before)
    trainer.advance()
    after = trainer.model.map_layer0.weight.detach()
    assert not torch.equal(after, before)
    beta = 0.5 ** (6 / min(50, 0.05 * 6))  # half-life ramped to 5 % of the 6 images seen
    expected = after + beta * (before - after)
    assert torch.allclose(trainer.ema.module.map_layer0.weight, expected, rtol=0, atol=1e-7)


def _command(run_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, str(SCRIPT), str(run_dir), *extra]


def _env() -> dict:
    paths = [str(ROOT / "src"), str(ROOT / "tests")]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(paths))


def test_killed_training_resumes_bit_for_bit(tmp_path):
    reference = tmp_path / "reference"
    threads = torch.get_num_threads()
    try:
        main(reference, bf16=False)  # in this process, as the script does (one thread)
    finally:
        torch.set_num_threads(threads)
    interrupted = tmp_path / "interrupted"
    killed_at = kill_during_training(_command(interrupted), interrupted, 10, STEPS, timeout=120)
    assert killed_at is not None and killed_at < STEPS, "the run was not interrupted"
    assert not (interrupted / f"step{STEPS}.pt").exists()
    resumed = subprocess.run(
        _command(interrupted), check=True, capture_output=True, text=True, env=_env()
    )
    assert "resumed from" in resumed.stderr
    for step in CHECKPOINTS:
        a, b = (run / f"step{step}.pt" for run in (reference, interrupted))
        assert a.read_bytes() == b.read_bytes(), f"checkpoint of step {step} differs"
    payload = load_torch(reference / f"step{STEPS}.pt")
    assert payload["step"] == STEPS and payload["images_seen"] == STEPS * 6
    assert payload["meta"]["network"]["channels"] == 8
    assert not all(torch.equal(payload["ema"][k], payload["model"][k]) for k in payload["ema"])
    log = (reference / "train_log.csv").read_text().splitlines()
    assert log[0].startswith("step,images_seen,train_loss,lr")
    assert [int(line.split(",")[0]) for line in log[1:]] == [5, 8, 10, 15, 20, 24]


def _probe_error(trainer) -> float:
    """Mean squared error of the denoiser at σ = 0.5 on the training images (fixed noise)."""
    gen = torch.Generator().manual_seed(11)
    x0, sigma = trainer.images, torch.full((trainer.images.shape[0],), 0.5)
    trainer.model.eval()
    with torch.no_grad():
        noisy = x0 + 0.5 * torch.randn(x0.shape, generator=gen)
        return float((trainer.denoiser(noisy, sigma, trainer.labels) - x0).square().mean())


def test_training_lowers_the_error_and_runs_under_bf16_autocast_on_cpu():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        trainer = make_trainer(schedule=LRSchedule(5e-3))
        before = _probe_error(trainer)
        for _ in range(60):
            trainer.advance()
        assert _probe_error(trainer) < 0.9 * before
        bf16 = make_trainer(bf16=True)
        for _ in range(12):
            bf16.advance()
        losses = torch.tensor([row["train_loss"] for row in bf16.rows])
        assert len(losses) and torch.isfinite(losses).all()
        assert not torch.equal(bf16.model.map_layer0.weight, make_trainer().model.map_layer0.weight)
    finally:
        torch.set_num_threads(threads)
