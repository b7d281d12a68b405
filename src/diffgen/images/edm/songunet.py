"""The DDPM++ network (Song et al. 2021) as the EDM reference builds it (``SongUNet``).

Layout, with C the width (``channels``) and levels at resolution R, R/2, …
(one per ``channel_mult`` entry):

* Embedding: positional features of c_noise (C of them, frequencies
  1e-4^(i/(C/2−1)), order [sin, cos]); plus Linear(√label_dim·one-hot) when
  label-conditional (with label dropout zeroing whole rows while training) and
  a bias-free Linear of the augmentation labels; then Linear·SiLU twice (4C).
* Encoder: a 3×3 conv to C; per level (after the first) a downsampling block,
  then ``num_blocks`` blocks to C·mult, with attention at ``attn_resolutions``.
  Every output is kept as a skip.
* Decoder, from the deepest level: two blocks (the first with attention), or
  an upsampling block; then ``num_blocks`` + 1 blocks on concat(h, skip), the
  last with attention at ``attn_resolutions``; at the top GN·SiLU·conv3 to the
  output channels (initialised ×1e-5).
* Block: GN·SiLU·conv3 (resampling first when up/down), + Linear(emb),
  GN·SiLU·dropout·conv3 (×1e-5 init), + skip (1×1 conv when the shape
  changes), ×√0.5; then optionally one-head self-attention (qkv init ×√0.2,
  output ×1e-5), + x, ×√0.5. GroupNorm: min(32, channels/4) groups, eps 1e-6.
  Resampling with the [1,1] box filter: 2×2 mean down, nearest ×2 up.

Weights are Xavier-uniform from a seeded generator, biases zero. Parameter and
module names follow the reference's state dict (``enc``/``dec`` entries named
``{R}x{R}_block{i}`` …, ``map_noise``, ``map_layer0`` …) so its checkpoints'
weights load. Build under ``torch.device("meta")`` to count parameters of a
large configuration without allocating it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class SongUNetConfig:
    """The architecture; DDPM++'s fixed choices (embedding ×4, [1,1] filter) are not options."""

    resolution: int
    in_channels: int
    out_channels: int
    channels: int
    channel_mult: tuple[int, ...]
    num_blocks: int
    attn_resolutions: tuple[int, ...]
    dropout: float
    label_dim: int = 0
    augment_dim: int = 0
    label_dropout: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel_mult", tuple(int(m) for m in self.channel_mult))
        object.__setattr__(self, "attn_resolutions", tuple(int(r) for r in self.attn_resolutions))
        if self.resolution % 2 ** (len(self.channel_mult) - 1):
            raise ValueError(
                f"SongUNet resolution {self.resolution} does not halve "
                f"{len(self.channel_mult) - 1} times"
            )
        if self.channels % 2 or self.channels < 4:
            raise ValueError(f"SongUNet channels must be even and at least 4, not {self.channels}")

    def to_dict(self) -> dict:
        out = asdict(self)
        out["channel_mult"], out["attn_resolutions"] = (
            list(self.channel_mult),
            list(self.attn_resolutions),
        )
        return out


def _xavier(shape, fan_in: int, fan_out: int, gain: float, generator) -> nn.Parameter:
    weight = torch.empty(shape)
    if not weight.is_meta:
        bound = gain * math.sqrt(6 / (fan_in + fan_out))
        weight.uniform_(-bound, bound, generator=generator)
    return nn.Parameter(weight)


class Linear(nn.Module):
    def __init__(self, fan_in, fan_out, generator, bias=True, gain=1.0) -> None:
        super().__init__()
        self.weight = _xavier((fan_out, fan_in), fan_in, fan_out, gain, generator)
        self.bias = nn.Parameter(torch.zeros(fan_out)) if bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight, self.bias)


class Conv(nn.Module):
    """A k×k convolution (k = 0: none) after optional [1,1] box down/upsampling."""

    def __init__(self, cin, cout, kernel, generator, gain=1.0, resample=None) -> None:
        super().__init__()
        self.kernel, self.resample = kernel, resample
        if kernel:
            fans = (cin * kernel * kernel, cout * kernel * kernel)
            self.weight = _xavier((cout, cin, kernel, kernel), *fans, gain, generator)
            self.bias = nn.Parameter(torch.zeros(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.resample == "down":
            x = F.avg_pool2d(x, 2)
        elif self.resample == "up":
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        if self.kernel:
            x = F.conv2d(x, self.weight, self.bias, padding=self.kernel // 2)
        return x


class GroupNorm(nn.GroupNorm):
    """GroupNorm with min(32, channels/4) groups and eps 1e-6."""

    def __init__(self, channels: int) -> None:
        super().__init__(min(32, channels // 4), channels, eps=1e-6)


class Block(nn.Module):
    """The residual block (see the module docstring), optionally resampling and attending."""

    SKIP_SCALE = math.sqrt(0.5)

    def __init__(self, cin, cout, emb, dropout, generator, resample=None, attention=False):
        super().__init__()
        self.in_channels, self.out_channels, self.dropout = cin, cout, dropout
        self.norm0 = GroupNorm(cin)
        self.conv0 = Conv(cin, cout, 3, generator, resample=resample)
        self.affine = Linear(emb, cout, generator)
        self.norm1 = GroupNorm(cout)
        self.conv1 = Conv(cout, cout, 3, generator, gain=1e-5)
        self.skip = None
        if cin != cout or resample:
            self.skip = Conv(cin, cout, 1, generator, resample=resample)
        self.attention = attention
        if attention:
            self.norm2 = GroupNorm(cout)
            self.qkv = Conv(cout, 3 * cout, 1, generator, gain=math.sqrt(0.2))
            self.proj = Conv(cout, cout, 1, generator, gain=1e-5)

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv0(F.silu(self.norm0(x)))
        h = h + self.affine(emb)[:, :, None, None].to(h.dtype)
        h = F.silu(self.norm1(h))
        h = self.conv1(F.dropout(h, p=self.dropout, training=self.training))
        h = (h + (x if self.skip is None else self.skip(x))) * self.SKIP_SCALE
        if not self.attention:
            return h
        b, c, hh, ww = h.shape
        # qkv channels interleave as (c, 3), as the reference's reshape reads them.
        q, k, v = self.qkv(self.norm2(h)).reshape(b, c, 3, hh * ww).unbind(2)
        a = F.scaled_dot_product_attention(q.mT, k.mT, v.mT).mT.reshape(b, c, hh, ww)
        return (self.proj(a) + h) * self.SKIP_SCALE


class SongUNet(nn.Module):
    """F(x, c_noise, labels, augment_labels) of DDPM++; ``seed`` fixes the initial weights."""

    def __init__(self, config: SongUNetConfig, seed: int = 0) -> None:
        super().__init__()
        self.config = cfg = config
        gen = torch.Generator().manual_seed(seed)
        c, emb = cfg.channels, 4 * cfg.channels
        self.map_label = Linear(cfg.label_dim, c, gen) if cfg.label_dim else None
        self.map_augment = Linear(cfg.augment_dim, c, gen, bias=False) if cfg.augment_dim else None
        self.map_layer0 = Linear(c, emb, gen)
        self.map_layer1 = Linear(emb, emb, gen)

        def block(cin, cout, **kwargs):
            return Block(cin, cout, emb, cfg.dropout, gen, **kwargs)

        self.enc = nn.ModuleDict()
        cout, skips = cfg.in_channels, []
        for level, mult in enumerate(cfg.channel_mult):
            res = cfg.resolution >> level
            if level == 0:
                self.enc[f"{res}x{res}_conv"] = Conv(cout, c, 3, gen)
                cout = c
            else:
                self.enc[f"{res}x{res}_down"] = block(cout, cout, resample="down")
            skips.append(cout)
            for i in range(cfg.num_blocks):
                attention = res in cfg.attn_resolutions
                self.enc[f"{res}x{res}_block{i}"] = block(cout, c * mult, attention=attention)
                cout = c * mult
                skips.append(cout)

        self.dec = nn.ModuleDict()
        self.concat: set[str] = set()
        for level in reversed(range(len(cfg.channel_mult))):
            res, mult = cfg.resolution >> level, cfg.channel_mult[level]
            if level == len(cfg.channel_mult) - 1:
                self.dec[f"{res}x{res}_in0"] = block(cout, cout, attention=True)
                self.dec[f"{res}x{res}_in1"] = block(cout, cout)
            else:
                self.dec[f"{res}x{res}_up"] = block(cout, cout, resample="up")
            for i in range(cfg.num_blocks + 1):
                attention = i == cfg.num_blocks and res in cfg.attn_resolutions
                name = f"{res}x{res}_block{i}"
                self.dec[name] = block(cout + skips.pop(), c * mult, attention=attention)
                self.concat.add(name)
                cout = c * mult
        top = cfg.resolution
        self.dec[f"{top}x{top}_aux_norm"] = GroupNorm(cout)
        self.dec[f"{top}x{top}_aux_conv"] = Conv(cout, cfg.out_channels, 3, gen, gain=1e-5)
        self._out_norm, self._out_conv = f"{top}x{top}_aux_norm", f"{top}x{top}_aux_conv"

    def embedding(self, noise_labels, class_labels=None, augment_labels=None) -> torch.Tensor:
        """The (B, 4C) conditioning vector of every block."""
        half = self.config.channels // 2
        freqs = 1e-4 ** (torch.arange(half, device=noise_labels.device) / (half - 1))
        angles = noise_labels.float()[:, None] * freqs[None]
        emb = torch.cat([angles.sin(), angles.cos()], dim=1)
        if self.map_label is not None:
            labels = class_labels.to(emb.dtype)
            if self.training and self.config.label_dropout:
                keep = torch.rand(labels.shape[0], 1, device=labels.device)
                labels = labels * (keep >= self.config.label_dropout).to(labels.dtype)
            emb = emb + self.map_label(labels * math.sqrt(self.config.label_dim))
        if self.map_augment is not None and augment_labels is not None:
            emb = emb + self.map_augment(augment_labels.to(emb.dtype))
        return F.silu(self.map_layer1(F.silu(self.map_layer0(emb))))

    def forward(self, x, noise_labels, class_labels=None, augment_labels=None) -> torch.Tensor:
        emb = self.embedding(noise_labels, class_labels, augment_labels)
        skips = []
        for layer in self.enc.values():
            x = layer(x, emb) if isinstance(layer, Block) else layer(x)
            skips.append(x)
        for name, layer in self.dec.items():
            if name == self._out_norm:
                break
            if name in self.concat:
                x = torch.cat([x, skips.pop()], dim=1)
            x = layer(x, emb)
        return self.dec[self._out_conv](F.silu(self.dec[self._out_norm](x)))


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def config_parameter_count(config: SongUNetConfig) -> int:
    """Parameters of ``config`` without allocating them (built on the meta device)."""
    with torch.device("meta"):
        return parameter_count(SongUNet(config))
