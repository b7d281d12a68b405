"""The study's EDM networks: DDPM++ SongUNets in EDM preconditioning, labels k → k + 1.

label_dim = K + 1: class at position k of ``data.classes`` is one-hot column k + 1,
and column 0 (the all-zero label after label dropout) is never a trained class.
"""

from __future__ import annotations

import torch

from diffgen.images.edm.precond import EDMPrecond, Preconditioned
from diffgen.images.edm.songunet import SongUNet, SongUNetConfig

SIGMA_DATA = 0.5


def edm_config(model: dict, num_classes: int) -> SongUNetConfig:
    """``model``: resolution, channels, channel_mult, num_blocks, attn_resolutions, dropout,
    label_dropout (the config's ``amplify.models.<name>``)."""
    return SongUNetConfig(
        resolution=model["resolution"], in_channels=3, out_channels=3,
        channels=model["channels"], channel_mult=tuple(model["channel_mult"]),
        num_blocks=model["num_blocks"], attn_resolutions=tuple(model["attn_resolutions"]),
        dropout=model["dropout"], label_dim=num_classes + 1,
        label_dropout=model["label_dropout"],
    )  # fmt: skip


def build_edm(model: dict, num_classes: int, seed: int) -> Preconditioned:
    config = edm_config(model, num_classes)
    return Preconditioned(SongUNet(config, seed=seed), EDMPrecond(sigma_data=SIGMA_DATA),
                          label_dim=config.label_dim)  # fmt: skip


def one_hot(positions: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Class positions 0..K−1 -> one-hot rows of K + 1 columns (column 0: no class)."""
    return torch.nn.functional.one_hot(positions.long() + 1, num_classes + 1).float()
