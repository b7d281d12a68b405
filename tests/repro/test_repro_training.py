"""MLP training on the shared loop: resume state complete (bit-exact), checkpoints load."""

import torch

from diffgen.core.training import RunOptions
from diffgen.repro import molrg, networks
from diffgen.repro.training import ReproTrainer, TrainSpec, train

LOSS = {"p_mean": -1.2, "p_std": 1.2, "uniform_fraction": 0.5, "sigma_lo": 0.002,
        "sigma_hi": 80.0, "epsilon_t": 1e-5}  # fmt: skip


def _spec(precond="edm", steps=40):
    return TrainSpec(N=16, seed=0, network=networks.describe("mlp", [3, 4, 4], 64, precond),
                     steps=steps, batch_size=32, lr=1e-3, warmup_steps=4, ema_decay=0.99,
                     loss=LOSS, log_every=10)  # fmt: skip


def _data():
    u = molrg.basis(4, 2, 6, 0)
    return torch.from_numpy(molrg.as_images(molrg.sample(u, 2, 6, 16, 1), 4))


OPTIONS = RunOptions(device=torch.device("cpu"))


def _run(trainer, steps):
    for _ in range(steps):
        trainer.advance()


def test_resume_state_is_complete_bit_exact():
    for precond in ("edm", "vp"):
        whole = ReproTrainer(_spec(precond), _data(), OPTIONS)
        _run(whole, 40)
        first = ReproTrainer(_spec(precond), _data(), OPTIONS)
        _run(first, 17)
        state = first.state()
        second = ReproTrainer(_spec(precond), _data(), OPTIONS)
        second.restore(state)
        _run(second, 23)
        a, b = whole.checkpoint(), second.checkpoint()
        for part in ("model", "ema"):
            assert all(torch.equal(a[part][k], b[part][k]) for k in a[part]), (precond, part)
        assert whole.rows == second.rows


def test_train_writes_a_loadable_checkpoint(tmp_path):
    out = tmp_path / "model.pt"
    trainer = train(_spec(steps=20), _data(), out, tmp_path / "log.csv", tmp_path / ".work",
                    OPTIONS)  # fmt: skip
    assert trainer.position == 20 and (tmp_path / "log.csv").exists()
    den, payload = networks.load_denoiser(out)
    assert payload["step"] == 20
    x = torch.randn(5, 3, 4, 4)
    with torch.no_grad():
        expected = networks.denoiser(trainer.ema.module, payload["network"])(x, 0.5)
        torch.testing.assert_close(den(x, 0.5), expected)
    first = out.read_bytes()
    out.unlink()
    again = train(_spec(steps=20), _data(), out, tmp_path / "log.csv", tmp_path / ".work",
                  OPTIONS)  # fmt: skip
    assert again.position == 0  # already trained: the staged outputs were put in place
    assert out.read_bytes() == first
