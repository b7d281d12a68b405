"""EDM networks of the spec (parameter counts, D → x as σ → 0) and the DDPM trainer's resume."""

from __future__ import annotations

import pytest
import torch
from conftest import paper_settings

from diffgen.amplify.ddpm_training import DDPMSpec, DDPMTrainer, lr_factor
from diffgen.amplify.models import build_edm, edm_config, one_hot
from diffgen.core import training
from diffgen.images.edm.songunet import config_parameter_count

MODELS = [  # (channels, mult, blocks, resolution, attn, K, params) of the spec's table
    (128, (2, 2, 2), 4, 32, (16,), 10, 55_734_275),
    (128, (2, 2, 2), 4, 32, (16,), 3, 55_733_379),
    (64, (2, 2, 2), 2, 32, (16,), 2, 8_797_443),
    (32, (2, 2, 2), 3, 32, (16,), 10, 2_854_339),
    (16, (1, 2), 1, 8, (4,), 2, 189_411),
]


def model(channels, mult, blocks, resolution, attn):
    return {"resolution": resolution, "channels": channels, "channel_mult": list(mult),
            "num_blocks": blocks, "attn_resolutions": list(attn), "dropout": 0.1,
            "label_dropout": 0.1}  # fmt: skip


@pytest.mark.parametrize("channels,mult,blocks,resolution,attn,K,params", MODELS)
def test_edm_parameter_counts(channels, mult, blocks, resolution, attn, K, params):
    config = edm_config(model(channels, mult, blocks, resolution, attn), K)
    assert config_parameter_count(config) == params


def test_edm_denoiser_tends_to_identity():
    net = build_edm(model(16, (1, 2), 1, 8, (4,)), 2, seed=0).eval()
    x = torch.randn(2, 3, 8, 8)
    out = net(x, torch.full((2,), 1e-4), one_hot(torch.tensor([0, 1]), 2))
    assert torch.allclose(out, x, atol=1e-3)


def test_lr_schedule():
    assert lr_factor(0, 100) == 1.0 and lr_factor(5, 100) == pytest.approx(1.75)
    assert lr_factor(10, 100) == pytest.approx(2.5)
    assert lr_factor(110, 100) == pytest.approx(0.0, abs=1e-12)


def test_ddpm_resume_is_bit_exact():
    spec = DDPMSpec(network={"T": 20, "num_labels": 2, "ch": 32, "ch_mult": [1, 2],
                             "num_res_blocks": 1, "dropout": 0.15},
                    beta_start=1e-4, beta_end=0.028, iterations=6, batch_size=4, lr=1e-3,
                    weight_decay=1e-4, grad_clip=1.0, p_uncond=0.3, seed=2)  # fmt: skip
    gen = torch.Generator().manual_seed(0)
    images = torch.rand(10, 3, 8, 8, generator=gen) * 2 - 1
    labels = torch.randint(1, 3, (10,), generator=gen)
    device = torch.device("cpu")
    straight = DDPMTrainer(spec, images, labels, device)
    for _ in range(6):
        straight.advance()
    first = DDPMTrainer(spec, images, labels, device)
    for _ in range(3):
        first.advance()
    state = first.state()
    resumed = DDPMTrainer(spec, images, labels, device)
    resumed.restore(state)
    for _ in range(3):
        resumed.advance()
    for a, b in zip(straight.model.state_dict().values(), resumed.model.state_dict().values(),
                    strict=True):  # fmt: skip
        assert torch.equal(a, b)
    assert straight.rows == resumed.rows


def test_ddpm_trains_on_the_shared_loop(tmp_path):
    spec = DDPMSpec(network={"T": 10, "num_labels": 2, "ch": 32, "ch_mult": [1, 2],
                             "num_res_blocks": 1, "dropout": 0.0},
                    beta_start=1e-4, beta_end=0.028, iterations=3, batch_size=4, lr=1e-3,
                    weight_decay=1e-4, grad_clip=1.0, p_uncond=0.1, seed=1)  # fmt: skip
    images, labels = torch.zeros(8, 3, 8, 8), torch.ones(8, dtype=torch.long)
    trainer = DDPMTrainer(spec, images, labels, torch.device("cpu"))
    options = training.RunOptions(device=torch.device("cpu"))
    training.train(trainer, {"spec": spec.to_dict()}, {3: tmp_path / "step3.pt"},
                   tmp_path / "log.csv", tmp_path / ".work", options)  # fmt: skip
    assert (tmp_path / "step3.pt").is_file() and (tmp_path / "log.csv").is_file()


def test_edm_trains_resumes_and_samples(tmp_path):
    from diffgen.amplify import data as amp_data
    from diffgen.amplify.edm_training import EDMSpec, EDMTrainer, load_ema
    from diffgen.amplify.sampling import edm_samples, measure
    from diffgen.images.edm.sampler import SamplerSettings

    data_spec = dict(source="digits", mnist_path=None, split="train", classes=[0, 1], rho=0.9,
                     class_size=30, no_digit=False, resolution=8, seed=0)  # fmt: skip
    d = amp_data.build(data_spec)
    images, positions = amp_data.to_model(d.images), torch.as_tensor(d.classes)
    spec = EDMSpec(model=model(16, (1, 2), 1, 8, (4,)), num_classes=2, steps=4, batch_size=8,
                   lr=2e-3, ema_halflife_kimg=10, seed=3)  # fmt: skip
    straight = EDMTrainer(spec, images, positions, torch.device("cpu"))
    for _ in range(4):
        straight.advance()
    first = EDMTrainer(spec, images, positions, torch.device("cpu"))
    for _ in range(2):
        first.advance()
    state = first.state()  # before the next trainer re-seeds the global generator
    resumed = EDMTrainer(spec, images, positions, torch.device("cpu"))
    resumed.restore(state)
    for _ in range(2):
        resumed.advance()
    for a, b in zip(straight.ema.state_dict().values(), resumed.ema.state_dict().values(),
                    strict=True):  # fmt: skip
        assert torch.equal(a, b)
    net = load_ema(straight.checkpoint())
    settings = SamplerSettings(steps=4, s_churn=0.0)
    x = edm_samples(net, settings, 2, 5, (3, 8, 8), seed=1)
    assert x.shape == (10, 3, 8, 8)
    r = measure(x, [0, 1], 5)
    assert r["n"] == 10 and r["ci_low"] <= r["rho_model"] <= r["ci_high"]


def test_ddpm_cfg_sampling_shapes():
    import numpy as np

    from diffgen.amplify.epsunet import EpsUNet, EpsUNetConfig
    from diffgen.amplify.sampling import ddpm_samples

    torch.manual_seed(0)
    net = EpsUNet(
        EpsUNetConfig(
            T=100,
            num_labels=2,
            **{
                **paper_settings("amplify", "figures", "fig5", "network"),
                "ch": 32,
                "ch_mult": (1, 2),
                "num_res_blocks": 1,
            },
        )
    )
    betas = np.linspace(1e-4, 0.028, 100)
    order = paper_settings("amplify", "figures", "fig5")["order"]
    a = ddpm_samples(net.eval(), betas, 1.0, 5, "exact", 2, 3, (3, 8, 8), seed=0, order=order)
    b = ddpm_samples(net.eval(), betas, 1.0, 5, "exact", 2, 3, (3, 8, 8), seed=0, order=order)
    assert a.shape == (6, 3, 8, 8) and torch.equal(a, b) and torch.isfinite(a).all()
