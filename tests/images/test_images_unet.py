"""The U-Net of the image core: the reference's parameters, names, shapes and function."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import paper_unet

from diffgen.core.errors import InputFileError
from diffgen.images.checkpoints import load_reference_weights
from diffgen.images.unet import UNet, frozen_parameters, trainable_parameters

DATA = Path(__file__).parent / "data"
PAPER = paper_unet()
SMALL = replace(PAPER, base=8, mults=(1, 2), attention=(False, True))


def reference_state_dict() -> list[tuple[str, tuple[int, ...]]]:
    """(name, shape) of the reference Unet.UNet's state dict, in order (tests/data)."""
    rows = []
    for line in (DATA / "unet_reference_state_dict.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, shape = line.split()
            rows.append((name, tuple(int(v) for v in shape.split("x"))))
    return rows


def deterministic_weights(state: dict) -> dict:
    """Weights that depend only on the state dict's order and shapes (as the fixture's)."""
    out = {}
    for i, (name, value) in enumerate(state.items()):
        if name == "time_embeddings.time_mlp.0.weight":
            out[name] = value.clone()
            continue
        noise = torch.randn(value.shape, generator=torch.Generator().manual_seed(1000 + i))
        out[name] = 1 + 0.1 * noise if name.endswith("norm.weight") else 0.05 * noise
    return out


def test_paper_unet_has_the_reference_parameter_count():
    model = UNet(PAPER)
    assert trainable_parameters(model) == 4_023_233
    assert frozen_parameters(model) == 32_000  # the 1000 × 32 sinusoid table
    assert trainable_parameters(UNet(SMALL)) == 64_193  # the small preset's


def test_state_dict_names_and_shapes_are_the_references():
    ours = [(name, tuple(value.shape)) for name, value in UNet(PAPER).state_dict().items()]
    assert ours == reference_state_dict()


@pytest.mark.parametrize(("name", "config", "size"), [("small", SMALL, 16), ("paper", PAPER, 32)])
def test_forward_equals_the_references_on_the_same_weights(name, config, size):
    """Outputs of the reference module with these weights (tests/data, eval mode)."""
    model = UNet(config)
    model.load_state_dict(deterministic_weights(model.state_dict()))
    model.eval()
    x = torch.randn((2, 1, size, size), generator=torch.Generator().manual_seed(123))
    with torch.no_grad():
        out = model(x, torch.tensor([3, 777])).numpy()
    expected = np.load(DATA / f"unet_reference_output_{name}.npy")
    assert out.shape == expected.shape
    assert np.abs(out - expected).max() < 1e-4 * np.abs(expected).max()


def test_reference_checkpoint_loads_with_dataparallel_prefixes(tmp_path):
    source = UNet(SMALL)
    path = tmp_path / "Model_epoch_111"
    torch.save({f"module.{k}": v for k, v in source.state_dict().items()}, path)
    loaded = load_reference_weights(path, UNet(SMALL))
    for key, value in source.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value)
    with pytest.raises(InputFileError, match=r"Model_epoch_111: weight '.*' has shape"):
        load_reference_weights(path, UNet(replace(SMALL, base=16)))


def test_widths_must_suit_the_group_norm():
    with pytest.raises(ValueError, match="not divisible"):
        replace(PAPER, base=12)
