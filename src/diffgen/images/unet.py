"""The U-Net ε-predictor of the CelebA experiments (reference ``Unet.UNet``), any size.

Module and parameter names reproduce the reference's state dict exactly, so a
reference checkpoint (``Model_epoch_E``, ``module.`` prefix stripped) loads into
it. The paper model (base 32, mults (1, 2, 4), attention (F, T, T)) has
4,023,233 trainable parameters plus a frozen 1000×32 sinusoid table.

Layout: a frozen sinusoid table indexed by the integer step k feeds an MLP
(base -> 4·base, GELU, 4·base -> 4·base); an input conv; per level
``res_blocks`` residual blocks and a stride-2 conv (not after the last level);
a bottleneck (block with attention, block); per level, from the deepest,
``res_blocks + 1`` blocks on concat(h, skip) and a nearest ×2 + conv (not after
level 0); an output GN-SiLU-conv. A residual block is GN-SiLU-conv, plus a
projection of SiLU(time embedding), GN-SiLU-Dropout2d-conv, a 1×1 skip when the
width changes, and optionally x + MHA(GN(x)) over the H·W positions.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True, kw_only=True)
class UNetConfig:
    """Architecture. The sizes the config states are required (the paper's CelebA model is
    the `biased.faces.model` schema default); the rest is the reference module's build."""

    in_channels: int = 1
    out_channels: int = 1
    base: int
    mults: tuple[int, ...]
    attention: tuple[bool, ...]
    res_blocks: int
    dropout: float
    heads: int = 4
    groups: int
    time_steps: int = 1000  # rows of the sinusoid table: the largest step k + 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "mults", tuple(int(m) for m in self.mults))
        object.__setattr__(self, "attention", tuple(bool(a) for a in self.attention))
        if len(self.mults) != len(self.attention):
            raise ValueError("U-Net mults and attention must have the same length")
        for width in {self.base * m for m in self.mults}:
            if width % self.groups or width % self.heads:
                raise ValueError(
                    f"U-Net width {width} is not divisible by groups={self.groups} "
                    f"and heads={self.heads}"
                )

    def to_dict(self) -> dict:
        out = asdict(self)
        out["mults"], out["attention"] = list(self.mults), list(self.attention)
        return out


def sinusoid_table(steps: int, dim: int) -> torch.Tensor:
    """(steps, dim): sin then cos of k·ω_i, ω_i = 10000^(−i/(dim/2 − 1)) (the reference's)."""
    half = dim // 2
    rate = math.log(10000.0) / (half - 1)
    omegas = torch.exp(torch.arange(half, dtype=torch.float32) * -rate)
    angles = torch.arange(steps, dtype=torch.float32)[:, None] * omegas[None, :]
    return torch.cat([angles.sin(), angles.cos()], dim=-1)


class TimeEmbedding(nn.Module):
    """Step k -> (B, 4·base): a frozen sinusoid look-up, then a small MLP."""

    def __init__(self, steps: int, dim: int, hidden: int) -> None:
        super().__init__()
        self.time_mlp = nn.Sequential(
            nn.Embedding.from_pretrained(sinusoid_table(steps, dim), freeze=True),
            nn.Linear(dim, hidden),
            nn.GELU(),
            nn.Linear(hidden, hidden),
        )

    def forward(self, k: torch.Tensor) -> torch.Tensor:
        return self.time_mlp(k)


class NormActConv(nn.Module):
    """GroupNorm, SiLU, channel dropout, 3×3 conv."""

    def __init__(self, channels: int, out: int, dropout: float, groups: int) -> None:
        super().__init__()
        # Registration order = the reference's state-dict order (conv first).
        self.conv = nn.Conv2d(channels, out, 3, 1, 1)
        self.norm = nn.GroupNorm(groups, channels)
        self.dropout = nn.Dropout2d(dropout)
        self.act = nn.SiLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(self.dropout(self.act(self.norm(x))))


class SelfAttention(nn.Module):
    """x + multi-head self-attention over the H·W positions of GN(x)."""

    def __init__(self, channels: int, heads: int, groups: int) -> None:
        super().__init__()
        self.group_norm = nn.GroupNorm(groups, channels)
        self.mhsa = nn.MultiheadAttention(channels, heads, batch_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        tokens = self.group_norm(x).reshape(b, c, h * w).transpose(1, 2)
        mixed, _ = self.mhsa(tokens, tokens, tokens, need_weights=False)
        return x + mixed.transpose(1, 2).reshape(b, c, h, w)


class ResidualBlock(nn.Module):
    """Two conv stages with the time embedding added between them, a skip, optional attention."""

    def __init__(
        self, channels: int, out: int, time_dim: int, config: UNetConfig, attention: bool
    ) -> None:
        super().__init__()
        self.act = nn.SiLU()
        self.block1 = NormActConv(channels, out, 0.0, config.groups)
        self.block2 = NormActConv(out, out, config.dropout, config.groups)
        self.dense = nn.Linear(time_dim, out)
        self.res_conv = nn.Conv2d(channels, out, 1, 1) if channels != out else nn.Identity()
        self.attention = (
            SelfAttention(out, config.heads, config.groups) if attention else nn.Identity()
        )

    def forward(self, x: torch.Tensor, time: torch.Tensor) -> torch.Tensor:
        h = self.block1(x) + self.dense(self.act(time))[:, :, None, None]
        h = self.block2(h) + self.res_conv(x)
        return self.attention(h)


class Downsample(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.downsample = nn.Conv2d(channels, channels, 3, 2, 1)

    def forward(self, x: torch.Tensor, time: torch.Tensor | None = None) -> torch.Tensor:
        return self.downsample(x)


class Upsample(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.upsample = nn.Sequential(
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(channels, channels, 3, 1, 1)
        )

    def forward(self, x: torch.Tensor, time: torch.Tensor | None = None) -> torch.Tensor:
        return self.upsample(x)


class UNet(nn.Module):
    """ε̂(x_k, k): (B, C, H, W) images and (B,) integer steps k in [0, time_steps)."""

    def __init__(self, config: UNetConfig) -> None:
        super().__init__()
        self.config = config
        base, time_dim = config.base, 4 * config.base
        self.time_embeddings = TimeEmbedding(config.time_steps, base, time_dim)
        self.init_conv = nn.Conv2d(config.in_channels, base, 3, 1, 1)

        def block(channels: int, out: int, attention: bool) -> ResidualBlock:
            return ResidualBlock(channels, out, time_dim, config, attention)

        # Registration order = the reference's state-dict order (decoder before bottleneck).
        self.encoder_blocks = nn.ModuleList()
        self.decoder_blocks = nn.ModuleList()
        skips, channels = [base], base
        levels = len(config.mults)
        for level, (mult, attention) in enumerate(zip(config.mults, config.attention, strict=True)):
            for _ in range(config.res_blocks):
                self.encoder_blocks.append(block(channels, base * mult, attention))
                channels = base * mult
                skips.append(channels)
            if level < levels - 1:
                self.encoder_blocks.append(Downsample(channels))
                skips.append(channels)
        self.bottleneck_blocks = nn.ModuleList(
            [block(channels, channels, True), block(channels, channels, False)]
        )
        for level in reversed(range(levels)):
            out = base * config.mults[level]
            for _ in range(config.res_blocks + 1):
                self.decoder_blocks.append(
                    block(channels + skips.pop(), out, config.attention[level])
                )
                channels = out
            if level > 0:
                self.decoder_blocks.append(Upsample(channels))
        self.final_block = NormActConv(channels, config.out_channels, 0.0, config.groups)

    def forward(self, x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        time = self.time_embeddings(k.reshape(-1).long())
        h = self.init_conv(x)
        skips = [h]
        for layer in self.encoder_blocks:
            h = layer(h, time)
            skips.append(h)
        for layer in self.bottleneck_blocks:
            h = layer(h, time)
        for layer in self.decoder_blocks:
            if isinstance(layer, ResidualBlock):
                h = torch.cat([h, skips.pop()], dim=1)
            h = layer(h, time)
        return self.final_block(h)


def trainable_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def frozen_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if not p.requires_grad)
