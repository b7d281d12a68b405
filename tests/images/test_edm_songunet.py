"""DDPM++ (SongUNet): the specs' parameter counts, and a small network on the CPU."""

import math

import pytest
import torch
import torch.nn.functional as F

from diffgen.images.edm.precond import EDMPrecond, Preconditioned
from diffgen.images.edm.songunet import (
    Block,
    SongUNet,
    SongUNetConfig,
    config_parameter_count,
    parameter_count,
)


def ddpmpp(resolution, width, blocks=4, mult=(2, 2, 2), attn=(16,), **kwargs):
    return SongUNetConfig(resolution, 3, 3, width, mult, blocks, attn, 0.13, **kwargs)


# (config, parameters): reproducibility spec §2 and bias-amplification spec §3.
COUNTS = [
    (ddpmpp(32, 64, augment_dim=9), 13_956_931),
    (ddpmpp(32, 128, augment_dim=9), 55_733_891),
    (ddpmpp(32, 256, augment_dim=9), 222_747_907),
    (ddpmpp(4, 128, augment_dim=9), 54_415_491),  # MoLRG r = 4
    (ddpmpp(32, 128, label_dim=11), 55_734_275),  # K = 10, label_dim K + 1
    (ddpmpp(32, 128, label_dim=4), 55_733_379),  # K = 3
    (ddpmpp(32, 64, blocks=2, label_dim=3), 8_797_443),  # K = 2 script
    (ddpmpp(32, 32, blocks=3, label_dim=11), 2_854_339),  # downsized
    (ddpmpp(8, 16, blocks=1, mult=(1, 2), attn=(4,), label_dim=3), 189_411),  # small
]
SMALL = ddpmpp(8, 16, blocks=1, mult=(1, 2), attn=(4,), label_dim=3)


@pytest.mark.parametrize(("config", "count"), COUNTS)
def test_parameter_counts_are_the_specs(config, count):
    assert config_parameter_count(config) == count


def test_a_built_network_counts_the_same_and_names_parameters_like_the_reference():
    model = SongUNet(SMALL, seed=0)
    assert parameter_count(model) == 189_411
    names = set(model.state_dict())
    for key in (
        "map_label.weight",
        "map_layer0.bias",
        "enc.8x8_conv.weight",
        "enc.4x4_down.skip.weight",
        "enc.4x4_block0.qkv.weight",
        "dec.4x4_in0.proj.bias",
        "dec.8x8_up.conv0.weight",
        "dec.8x8_aux_conv.weight",
        "dec.8x8_block1.norm0.weight",
    ):
        assert key in names, key  # fmt: skip
    assert "dec.4x4_in1.qkv.weight" not in names and "dec.8x8_block1.qkv.weight" not in names


def _inputs(batch=4, seed=0):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, 3, 8, 8, generator=gen)
    noise = torch.randn(batch, generator=gen)
    labels = F.one_hot(torch.arange(batch) % 3, 3).float()
    return x, noise, labels


def test_forward_shape_seeded_weights_and_determinism():
    x, noise, labels = _inputs()
    a, b = SongUNet(SMALL, seed=1).eval(), SongUNet(SMALL, seed=1).eval()
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(a.map_layer0.weight, SongUNet(SMALL, seed=2).map_layer0.weight)
    with torch.no_grad():
        out = a(x, noise, labels)
    assert out.shape == x.shape and torch.equal(out, b(x, noise, labels))
    assert float(out.abs().max()) < 1e-3  # the output convolution starts at ×1e-5
    assert torch.allclose(a(x[:2], noise[:2], labels[:2]), out[:2], atol=1e-9)


def test_labels_and_noise_levels_change_the_output_and_gradients_reach_every_weight():
    model = SongUNet(SMALL, seed=0)
    with torch.no_grad():  # wake the zero-initialised output layers
        for name, p in model.named_parameters():
            if name.endswith(("conv1.weight", "proj.weight", "aux_conv.weight")):
                p.mul_(1e5)
    model.eval()
    x, noise, labels = _inputs()
    out = model(x, noise, labels)
    assert not torch.allclose(out, model(x, noise, labels.roll(1, dims=0)))
    assert not torch.allclose(out, model(x, noise + 1, labels))
    model.train()
    model(x, noise, labels).square().sum().backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None or not p.grad.abs().sum()]
    assert missing == []


def test_label_dropout_zeroes_whole_rows_only_while_training():
    config = ddpmpp(8, 16, blocks=1, mult=(1, 2), attn=(4,), label_dim=3, label_dropout=1.0)
    model = SongUNet(config, seed=0)
    _, noise, labels = _inputs()
    model.train()
    dropped = model.embedding(noise, labels)
    assert torch.allclose(dropped, model.embedding(noise, torch.zeros_like(labels)))
    model.eval()
    assert not torch.allclose(model.embedding(noise, labels), dropped)


def test_embedding_is_sin_then_cos_of_the_specs_frequencies():
    model = SongUNet(ddpmpp(8, 16, blocks=1, mult=(1, 2), attn=(4,)), seed=0)
    noise = torch.tensor([0.3, -1.0])
    seen = {}
    model.map_layer0.register_forward_hook(lambda m, args, out: seen.update(x=args[0]))
    model.embedding(noise)
    freqs = torch.tensor([1e-4 ** (i / 7) for i in range(8)])
    angles = noise[:, None] * freqs
    assert torch.allclose(seen["x"], torch.cat([angles.sin(), angles.cos()], dim=1))


def test_attention_is_one_head_softmax_of_scaled_dot_products():
    gen = torch.Generator().manual_seed(0)
    block = Block(8, 8, 16, 0.0, gen, attention=True).eval()
    with torch.no_grad():
        block.proj.weight.normal_(generator=gen)
    x, emb = torch.randn(2, 8, 3, 3, generator=gen), torch.randn(2, 16, generator=gen)
    h = block.conv0(F.silu(block.norm0(x))) + block.affine(emb)[:, :, None, None]
    h = (block.conv1(F.silu(block.norm1(h))) + x) * math.sqrt(0.5)
    q, k, v = block.qkv(block.norm2(h)).reshape(2, 8, 3, 9).unbind(2)
    w = torch.einsum("ncq,nck->nqk", q, k / math.sqrt(8)).softmax(dim=2)
    a = torch.einsum("nqk,nck->ncq", w, v).reshape(2, 8, 3, 3)
    expected = (block.proj(a) + h) * math.sqrt(0.5)
    assert torch.allclose(block(x, emb), expected, atol=1e-5)


def test_bf16_autocast_runs_on_cpu_and_stays_close():
    model = SongUNet(ddpmpp(8, 16, blocks=1, mult=(1, 2), attn=(4,), augment_dim=9), 0).eval()
    denoiser = Preconditioned(model, EDMPrecond())
    x, _, _ = _inputs()
    sigma = torch.tensor([0.01, 0.5, 2.0, 40.0])
    augment = torch.zeros(4, 9)
    full = denoiser(x, sigma, None, augment)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        half = denoiser(x, sigma, None, augment)
    assert half.dtype == torch.float32 and torch.isfinite(half).all()
    assert torch.allclose(half, full, atol=0.05)


def test_bad_configurations_are_refused():
    with pytest.raises(ValueError, match="resolution"):
        ddpmpp(6, 16, mult=(1, 2, 2))
    with pytest.raises(ValueError, match="channels"):
        ddpmpp(8, 3)
