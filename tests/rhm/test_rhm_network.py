"""bpUNet: the spec's parameter counts, its blocks against plain convolutions, its input map."""

import pytest
import torch
import torch.nn.functional as F
from rhm_support import one_thread  # noqa: F401 (autouse fixture)

from diffgen.core.diffusion.d3pm import uniform_schedule
from diffgen.rhm.network import BpUNet, NetworkConfig, build, parameter_count, parameter_formula


@pytest.mark.parametrize(
    ("v", "width", "count"),
    [(8, 1024, 18_911_232), (8, 256, 1_188_864), (8, 128, 299_520), (8, 64, 76_032),
     (16, 1024, 18_935_808)],
)  # fmt: skip
def test_parameter_counts_are_the_specs(v, width, count):
    assert parameter_formula(v, 2, width, 3) == count
    with torch.device("meta"):
        model = BpUNet(NetworkConfig(v=v, s=2, d=8, width=width, depth=3, T=200))
    assert parameter_count(model) == count


def reference_forward(model: BpUNet, x: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
    """The same network written with channel-first convolutions, as the reference runs it."""

    def conv(layer, h, transpose=False):
        op = F.conv_transpose1d if transpose else F.conv1d
        return op(h, layer.weight, stride=layer.kernel) * layer.scale

    def norm(layer, h):
        return layer(h.transpose(1, 2)).transpose(1, 2)

    h = model.input_map(x, steps).transpose(1, 2)
    h = F.gelu(conv(model.embed, h))
    skips = [h]
    for layer, ln in model.down:
        h = F.gelu(norm(ln, conv(layer, h)))
        skips.append(h)
    for layer, ln in model.up:
        h = F.gelu(norm(ln, conv(layer, torch.cat([h, skips.pop()], 1), transpose=True)))
    return conv(model.readout, torch.cat([h, skips.pop()], 1)).transpose(1, 2)


@pytest.mark.parametrize(("s", "d", "depth"), [(2, 8, 3), (3, 9, 2), (2, 16, 2)])
def test_blocks_equal_strided_convolutions(s, d, depth):
    model = build(NetworkConfig(v=5, s=s, d=d, width=12, depth=depth, T=200), seed=0).double()
    x = F.one_hot(torch.randint(0, 5, (7, d)), 5).double()
    steps = torch.randint(1, 201, (7,))
    out = model(x, steps)
    assert out.shape == (7, d, 5)
    assert torch.allclose(out, reference_forward(model, x, steps), atol=1e-10)


def test_input_map_is_the_evidence_on_the_fixed_schedule():
    model = build(NetworkConfig(v=8, s=2, d=8, width=4, depth=3, T=200), seed=2)
    abar = uniform_schedule(1000, 1e-4, 0.02).alpha_bars
    assert abar.shape == (1001,)
    evidence = abar + (1 - abar) / 8
    mean, var = evidence.mean(), (abar + (1 - abar) / 64).mean() - evidence.mean() ** 2
    x = F.one_hot(torch.tensor([[3] * 8]), 8).float()
    for i in (1, 37, 200):
        z = model.input_map(x, torch.tensor([i]))
        tau = 1000 * i // 200
        want = (abar[tau] * x + (1 - abar[tau]) / 8 - mean) / var.sqrt()
        assert torch.allclose(z, want.float(), atol=1e-6)


def test_weights_come_from_the_seed_with_the_reference_shapes():
    config = NetworkConfig(v=8, s=2, d=8, width=16, depth=3, T=200)
    a, b, c = build(config, 2), build(config, 2), build(config, 3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(a.embed.weight, c.embed.weight)
    assert a.embed.weight.shape == (16, 8, 1) and a.down[0][0].weight.shape == (16, 16, 2)
    assert a.up[0][0].weight.shape == (32, 16, 2) and a.readout.weight.shape == (8, 32, 1)
    torch.manual_seed(2)
    assert torch.equal(a.embed.weight, torch.randn(16, 8, 1))
