"""Bias-free denoisers, their training, the sampler and the measurements (spec §7)."""

import math
from dataclasses import fields, replace

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import paper_settings

from diffgen.core import training
from diffgen.core.seeding import array_digest
from diffgen.core.training import RunOptions
from diffgen.harmonic import measures, sampler
from diffgen.harmonic.jobs.pair import divergence_note
from diffgen.harmonic.network import BFCNN, BFUNet, denoise, parameter_count
from diffgen.harmonic.training import BlindTrainer, load_model, train

UNET = {"arch": "unet", "K": 8, "B": 2}

CHUNK = paper_settings("harmonic", "measure", "jacobian")["chunk"]
PAPER_FIELDS = {f.name for f in fields(sampler.SamplerSettings)}
#: The paper's sampler (config.yaml, schema defaults): tests vary it, never restate it.
PAPER_SAMPLER = sampler.SamplerSettings(
    **{k: v for k, v in paper_settings("harmonic", "sampler").items() if k in PAPER_FIELDS}
)


@pytest.mark.parametrize(
    ("model", "count"),
    [
        (BFUNet(64, 3), 7_659_264),
        (BFUNet(32, 3), 1_915_776),
        (BFUNet(16, 2), 114_496),
        (BFCNN(64, 21), 702_784),
    ],
)
def test_parameter_counts(model, count):
    assert parameter_count(model) == count


def _trained_net(seed=0):
    torch.manual_seed(seed)
    net = BFUNet(8, 2)
    net.train()
    with torch.no_grad():
        for _ in range(3):
            net(torch.rand(8, 1, 16, 16))
    return net.eval()


@pytest.mark.parametrize("net", [_trained_net(), BFCNN(8, 5).eval()])
def test_eval_mode_is_homogeneous_and_linear_in_its_jacobian(net):
    torch.manual_seed(1)
    y = torch.rand(3, 1, 16, 16)
    d = denoise(net, y)
    for a in (0.5, 3.0):
        assert (denoise(net, a * y) - a * d).norm() <= 1e-5 * (a * d).norm()
    J = measures.jacobian(lambda v: net(v), y[0], CHUNK)
    jy = (J @ y[0].flatten().double()).float()
    assert (d[0].flatten() - jy).norm() <= 1e-4 * d[0].norm()
    alone = denoise(net, y[1:2])
    torch.testing.assert_close(alone, d[1:2], atol=1e-6, rtol=1e-5)


class Cut(Exception):
    pass


def test_training_is_bit_exact_after_resume(tmp_path):
    torch.manual_seed(0)
    images = torch.rand(5, 1, 16, 16)
    spec = {
        "network": UNET,
        "epochs": 3,
        "epoch_images": 20,
        "batch_size": 16,
        "lr": 1e-3,
        "halve_every": 2,
        "seed": 3,
        "mixed_precision": False,
    }
    options = RunOptions(device=torch.device("cpu"), resume_every_seconds=0.0)
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    train(spec, images, whole / "model.pt", whole / "log.csv", whole / ".work", options)
    trainer = BlindTrainer(spec, images, options)
    advance = trainer.advance

    def crash_at_two():
        if trainer.position == 2:
            raise Cut
        return advance()

    trainer.advance = crash_at_two  # the job is killed after its resume state of epoch 2
    run = {"spec": spec, "data": array_digest(images)}
    with pytest.raises(Cut):
        training.train(trainer, run, {3: cut / "model.pt"}, cut / "log.csv", cut / ".work", options)
    resumed = train(spec, images, cut / "model.pt", cut / "log.csv", cut / ".work", options)
    assert len(resumed.rows) == 3
    a, _ = load_model(whole / "model.pt")
    b, _ = load_model(cut / "model.pt")
    for (name, x), y in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(x, y), name
    rows = pd.read_csv(whole / "log.csv")
    assert list(rows["lr"]) == [1e-3, 1e-3, 5e-4]
    assert rows.equals(
        pd.read_csv(cut / "log.csv").assign(
            seconds=rows["seconds"], images_per_second=rows["images_per_second"]
        )
    )


def test_mixed_precision_training_runs_on_cpu(tmp_path):
    images = torch.rand(3, 1, 16, 16)
    spec = {
        "network": UNET,
        "epochs": 1,
        "epoch_images": 8,
        "batch_size": 4,
        "lr": 1e-3,
        "halve_every": 5,
        "seed": 0,
        "mixed_precision": True,
    }
    trainer = BlindTrainer(spec, images, RunOptions(device=torch.device("cpu")))
    row = trainer.advance()
    assert math.isfinite(row["train_loss"]) and row["epoch"] == 1


# -- sampler --------------------------------------------------------------------------


def test_sampler_with_a_constant_denoiser_returns_its_image():
    target = torch.rand(1, 1, 8, 8)
    settings = replace(PAPER_SAMPLER, h0=0.05, beta=0.5, max_T=300)
    out = sampler.sample(lambda y: y - target, [0, 1, 2], 8, settings, seed=4)
    torch.testing.assert_close(out.images, target.expand(3, 1, 8, 8), atol=1e-6, rtol=0)
    assert not out.aborted.any() and (out.steps > 0).all()


def test_sampler_steps_by_hand():
    assert sampler.step_size(0.01, 1) == pytest.approx(0.01)
    assert sampler.step_size(0.01, 3) == pytest.approx(0.03 / 1.02)
    h = 0.2
    assert sampler.noise_scale(torch.tensor(0.5), h, 0.5).item() == pytest.approx(
        0.5 * math.sqrt(0.9**2 - 0.8**2)
    )
    # One step of a linear residual r(y) = 0.5·y from y_1 (seeded), by hand.
    settings = replace(PAPER_SAMPLER, h0=0.1, beta=0.5, sigma_L=10.0)
    out = sampler.sample(lambda y: 0.5 * y, [7], 4, settings, seed=2)
    y1 = 0.5 + sampler.seeded_normal(2, 7, 0, (1, 4, 4))
    sigma = (0.5 * y1).norm() / 4
    y2 = (
        y1
        - 0.1 * 0.5 * y1
        + sampler.noise_scale(sigma, 0.1, 0.5) * sampler.seeded_normal(2, 7, 1, (1, 4, 4))
    )
    torch.testing.assert_close(out.images[0], 0.5 * y2)
    assert out.steps.tolist() == [1]


def test_sampler_batched_equals_one_by_one_and_noise_is_shared():
    net = _trained_net(2)
    settings = replace(PAPER_SAMPLER, h0=0.05, beta=0.5, max_T=40)
    batch = sampler.sample(net, [0, 1, 2, 3], 16, settings, seed=1)
    for i in range(4):
        one = sampler.sample(net, [i], 16, settings, seed=1)
        torch.testing.assert_close(one.images[0], batch.images[i], atol=1e-6, rtol=0)
        assert one.steps[0] == batch.steps[i]
    # Different models draw the same y_1 and z_t: a zero residual keeps y_1 + Σγ z.
    a = sampler.seeded_normal(1, 3, 5, (1, 16, 16))
    assert torch.equal(a, sampler.seeded_normal(1, 3, 5, (1, 16, 16)))


def test_sampler_aborts_a_diverging_denoiser_early_and_says_so():
    """The small N = 256 model's failure: D(y) = (1 + ε)y grows y, so σ_t climbs back."""
    settings = replace(PAPER_SAMPLER, h0=0.05, beta=0.5, max_T=300)
    out = sampler.sample(lambda y: -0.05 * y, [0, 1, 2], 8, settings, seed=3)
    assert out.aborted.all() and (out.steps < 60).all() and torch.isfinite(out.images).all()
    # The spec's rule alone (σ_t > 2, or max_T) fires much later.
    late = sampler.sample(lambda y: -0.05 * y, [0, 1, 2], 8, replace(settings, rise=0.0), seed=3)
    assert late.aborted.all() and (late.steps > 2 * out.steps).all()
    note = divergence_note({"dataset": "calpha2", "N": 256}, "A", out)
    assert note.startswith("diffgen: warning: calpha2 N=256 model A: 3 of 3 samples aborted")
    assert "\n" not in note
    fine = sampler.sample(lambda y: y - 0.3, [0, 1], 8, settings, seed=3)
    assert divergence_note({"dataset": "calpha2", "N": 1}, "B", fine) is None


# -- measurements by hand and closed forms --------------------------------------------


def test_cos_is_invariant_to_offset_and_scale():
    a, b = torch.rand(2, 1, 4, 4), torch.rand(3, 1, 4, 4)
    c = measures.centred_cos(a, b)
    torch.testing.assert_close(measures.centred_cos(3 * a + 2, 0.5 * b - 1), c)
    assert measures.centred_cos(a, a).diagonal().sub(1).abs().max() < 1e-12
    best, idx = measures.nearest(a, torch.cat([b, a[1:2] * 2 + 1]), chunk=2)
    assert idx[1] == 3 and best[1] == pytest.approx(1.0)


def test_psnr_and_slope_by_hand():
    clean = torch.zeros(2, 1, 4, 4)
    noisy = clean + 0.1
    assert measures.psnr(noisy, clean).tolist() == pytest.approx([20.0, 20.0])
    assert measures.psnr_in(0.01) == pytest.approx(40.0)
    x = np.array([1.0, 2, 5, 9])
    assert measures.slope(x, 0.75 * x + 3) == pytest.approx(0.75)
    assert measures.optimal_slope(2) == pytest.approx(2 / 3)
    assert measures.disc_optimum_psnr(np.array([20.0]), 500)[0] == pytest.approx(40.0)


def test_gaussian_prior_jacobian_eigenvalues_and_trace():
    torch.manual_seed(0)
    D, sigma = 16, 0.3
    basis, _ = torch.linalg.qr(torch.randn(D, D, dtype=torch.float64))
    s = torch.linspace(0.01, 2.0, D, dtype=torch.float64)
    cov, mean = basis @ torch.diag(s) @ basis.T, torch.rand(D, dtype=torch.float64)

    def residual(y):
        return y - measures.gaussian_denoiser(y.flatten(1).double(), mean, cov, sigma).view(y.shape)

    J = measures.jacobian(residual, torch.rand(1, 4, 4, dtype=torch.float64), CHUNK)
    values, _, asym = measures.spectrum(J)
    expected = torch.sort(s / (s + sigma**2), descending=True).values
    torch.testing.assert_close(values, expected)
    assert torch.trace(J).item() == pytest.approx(float(expected.sum())) and asym < 1e-10


def test_memorizer_jacobian_limits_and_tweedie_identity():
    torch.manual_seed(0)
    train = torch.rand(5, 1, 4, 4, dtype=torch.float64)
    y = torch.rand(1, 4, 4, dtype=torch.float64)
    sigma = 0.2
    auto = torch.autograd.functional.jacobian(
        lambda v: measures.memorizer(v.view(1, 1, 4, 4), train, sigma).flatten(), y
    ).reshape(16, 16)
    torch.testing.assert_close(auto, measures.memorizer_jacobian(y, train, sigma))
    near = measures.memorizer(train[2:3] + 1e-3, train, 1e-3)
    torch.testing.assert_close(near, train[2:3])
    far = measures.memorizer(y.unsqueeze(0), train, 1e4)
    torch.testing.assert_close(far[0], train.mean(dim=0), atol=1e-6, rtol=0)
    # E‖D_N(y) - x‖² = σ² E tr J, x uniform on the N images, y = x + σz.
    gen = torch.Generator().manual_seed(1)
    count, sigma = 20_000, 0.4
    x = train[torch.randint(0, 5, (count,), generator=gen)]
    y = x + sigma * torch.randn(x.shape, generator=gen, dtype=torch.float64)
    d = measures.memorizer(y, train, sigma)
    error = ((d - x) ** 2).flatten(1).sum(dim=1).mean()
    traces = torch.stack(
        [torch.trace(measures.memorizer_jacobian(v, train, sigma)) for v in y[:4000]]
    )
    assert float(error) == pytest.approx(float(sigma**2 * traces.mean()), rel=0.05)


def test_oracle_shrinkage_is_no_worse_than_any_other():
    c = torch.tensor([3.0, 1.0, 0.1, 0.0], dtype=torch.float64)
    best = measures.oracle(c, 0.5)
    low = measures.shrinkage_mse(best, c, 0.5)
    for lam in (torch.ones(4), torch.zeros(4), best * 0.9):
        assert measures.shrinkage_mse(lam.double(), c, 0.5) >= low


def test_gpu_smoke_script_runs_tiny_on_the_cpu():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "gpu_smoke_harmonic.py"
    result = subprocess.run(
        [sys.executable, str(script), "--tiny", "--device", "cpu"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "steps/s" in result.stdout and "MFU" in result.stdout
    assert "gpu_smoke_harmonic: ok" in result.stdout
