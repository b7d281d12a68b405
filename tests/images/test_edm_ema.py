"""EMA of weights on a toy tensor: half-life with ramp-up, fixed decay, resumable state."""

import pytest
import torch
from torch import nn

from diffgen.images.edm.ema import EMA


def toy(value: float) -> nn.Module:
    model = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(value)
    return model


def test_halflife_beta_and_first_update_copies_the_net():
    net = toy(1.0)
    ema = EMA(net, halflife_images=500_000, rampup_ratio=0.05)
    with torch.no_grad():
        net.weight.fill_(3.0)
    assert ema.update(net, batch_size=128, images_seen=0) == 0.0  # h_eff = 0: copy
    assert float(ema.module.weight) == 3.0
    # h_eff = min(500k, 0.05 · 1280) = 64 images: β = 0.5^(128/64) = 0.25.
    with torch.no_grad():
        net.weight.fill_(7.0)
    beta = ema.update(net, batch_size=128, images_seen=1280)
    assert beta == pytest.approx(0.25)
    assert float(ema.module.weight) == pytest.approx(0.25 * 3 + 0.75 * 7)
    assert ema.beta(128, 10**9) == pytest.approx(0.5 ** (128 / 500_000))
    assert EMA(net, halflife_images=1000).beta(1000, 0) == pytest.approx(0.5)


def test_fixed_decay_averages_geometrically():
    net = toy(0.0)
    ema = EMA(net, decay=0.9)
    with torch.no_grad():
        net.weight.fill_(1.0)
    for _ in range(3):
        ema.update(net)
    assert float(ema.module.weight) == pytest.approx(1 - 0.9**3)
    assert not ema.module.weight.requires_grad and not ema.module.training


def test_state_round_trip_and_exactly_one_rule():
    net = toy(2.0)
    ema = EMA(net, decay=0.5)
    other = EMA(toy(0.0), decay=0.5)
    other.load_state_dict(ema.state_dict())
    assert float(other.module.weight) == 2.0
    with pytest.raises(ValueError, match="exactly one"):
        EMA(net)
    with pytest.raises(ValueError, match="exactly one"):
        EMA(net, decay=0.9, halflife_images=10)
