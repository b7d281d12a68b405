"""DDPM++ (the EDM core's SongUNet) with the reference's CIFAR-10 settings, for study 3.

channel_mult [2, 2, 2], 4 blocks per level, attention at 16², dropout 0.13,
augment_dim 9 (the reference keeps AugmentPipe's labels; study 3 trains without
augmentation, so they stay zero).
"""

from __future__ import annotations

from diffgen.images.edm.songunet import SongUNet, SongUNetConfig


def config(network: dict) -> SongUNetConfig:
    channels, size, _ = network["shape"]
    return SongUNetConfig(resolution=size, in_channels=channels, out_channels=channels,
                          channels=network["width"], channel_mult=(2, 2, 2), num_blocks=4,
                          attn_resolutions=(16,), dropout=0.13, augment_dim=9)  # fmt: skip


def build_ddpmpp(network: dict, seed: int) -> SongUNet:
    return SongUNet(config(network), seed=seed)
