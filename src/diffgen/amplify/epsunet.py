"""The class-conditional ε-UNet of fig 5 (the reference's DDPM network), with CFG labels.

A trainable sinusoidal table of T rows and an Embedding(K+1, C, padding_idx 0)
(label 0: unconditional), each followed by Linear·Swish·Linear to 4C, are added
in every residual block. Residual blocks: GN(32)·Swish·conv3, + the two
embeddings, GN·Swish·dropout·conv3, 1×1 skip on a channel change; attention
(GN, 1×1 q, k, v, projection) after every encoder block and the first middle
block. Down: conv3/2 + conv5/2 summed; up: transposed conv5/2 then conv3.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class EpsUNetConfig:
    T: int
    num_labels: int
    ch: int
    ch_mult: tuple[int, ...]
    num_res_blocks: int
    dropout: float

    def to_dict(self) -> dict:
        return {**asdict(self), "ch_mult": list(self.ch_mult)}


def sinusoidal_table(T: int, dim: int) -> torch.Tensor:
    """(T, dim) rows [sin, cos] interleaved, frequencies 10000^(−2i/dim)."""
    freqs = torch.exp(-torch.arange(0, dim, 2, dtype=torch.float32) / dim * math.log(10000))
    angles = torch.arange(T, dtype=torch.float32)[:, None] * freqs[None]
    return torch.stack([angles.sin(), angles.cos()], dim=-1).reshape(T, dim)


class Embed(nn.Module):
    def __init__(self, table: nn.Embedding, dim: int, out: int) -> None:
        super().__init__()
        self.table = table
        self.mlp = nn.Sequential(nn.Linear(dim, out), nn.SiLU(), nn.Linear(out, out))

    def forward(self, index: torch.Tensor) -> torch.Tensor:
        return self.mlp(self.table(index))


class Attention(nn.Module):
    def __init__(self, ch: int) -> None:
        super().__init__()
        self.norm = nn.GroupNorm(32, ch)
        self.q, self.k, self.v, self.proj = (nn.Conv2d(ch, ch, 1) for _ in range(4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        y = self.norm(x)
        q = self.q(y).flatten(2).transpose(1, 2)
        k = self.k(y).flatten(2)
        v = self.v(y).flatten(2).transpose(1, 2)
        weights = torch.softmax(q @ k / math.sqrt(c), dim=-1)
        return x + self.proj((weights @ v).transpose(1, 2).reshape(b, c, h, w))


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, tdim: int, dropout: float, attn: bool) -> None:
        super().__init__()
        self.block1 = nn.Sequential(nn.GroupNorm(32, cin), nn.SiLU(), nn.Conv2d(cin, cout, 3, 1, 1))
        self.temb = nn.Sequential(nn.SiLU(), nn.Linear(tdim, cout))
        self.cemb = nn.Sequential(nn.SiLU(), nn.Linear(tdim, cout))
        self.block2 = nn.Sequential(nn.GroupNorm(32, cout), nn.SiLU(), nn.Dropout(dropout),
                                    nn.Conv2d(cout, cout, 3, 1, 1))  # fmt: skip
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        self.attn = Attention(cout) if attn else nn.Identity()

    def forward(self, x, temb, cemb):
        h = self.block1(x) + self.temb(temb)[:, :, None, None] + self.cemb(cemb)[:, :, None, None]
        return self.attn(self.block2(h) + self.skip(x))


class Down(nn.Module):
    def __init__(self, ch: int) -> None:
        super().__init__()
        self.c3, self.c5 = nn.Conv2d(ch, ch, 3, 2, 1), nn.Conv2d(ch, ch, 5, 2, 2)

    def forward(self, x, temb, cemb):
        return self.c3(x) + self.c5(x)


class Up(nn.Module):
    def __init__(self, ch: int) -> None:
        super().__init__()
        self.t = nn.ConvTranspose2d(ch, ch, 5, 2, 2, 1)
        self.c = nn.Conv2d(ch, ch, 3, 1, 1)

    def forward(self, x, temb, cemb):
        return self.c(self.t(x))


class EpsUNet(nn.Module):
    """ε̂(x_t, t, label): ``t`` integer steps 0..T−1, ``label`` 0 (none) or class position + 1."""

    def __init__(self, config: EpsUNetConfig) -> None:
        super().__init__()
        self.config = config
        ch, tdim = config.ch, 4 * config.ch
        table = nn.Embedding.from_pretrained(sinusoidal_table(config.T, ch), freeze=False)
        self.time = Embed(table, ch, tdim)
        self.label = Embed(nn.Embedding(config.num_labels + 1, ch, padding_idx=0), ch, tdim)
        self.head = nn.Conv2d(3, ch, 3, 1, 1)
        self.down = nn.ModuleList()
        chans, now = [ch], ch
        for i, mult in enumerate(config.ch_mult):
            for _ in range(config.num_res_blocks):
                self.down.append(ResBlock(now, ch * mult, tdim, config.dropout, attn=True))
                now = ch * mult
                chans.append(now)
            if i != len(config.ch_mult) - 1:
                self.down.append(Down(now))
                chans.append(now)
        middle = [ResBlock(now, now, tdim, config.dropout, attn=a) for a in (True, False)]
        self.middle = nn.ModuleList(middle)
        self.up = nn.ModuleList()
        for i, mult in reversed(list(enumerate(config.ch_mult))):
            for _ in range(config.num_res_blocks + 1):
                self.up.append(ResBlock(chans.pop() + now, ch * mult, tdim, config.dropout, False))
                now = ch * mult
            if i != 0:
                self.up.append(Up(now))
        self.tail = nn.Sequential(nn.GroupNorm(32, now), nn.SiLU(), nn.Conv2d(now, 3, 3, 1, 1))

    def forward(self, x: torch.Tensor, t: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        temb, cemb = self.time(t), self.label(label)
        h = self.head(x)
        skips = [h]
        for layer in self.down:
            h = layer(h, temb, cemb)
            skips.append(h)
        for layer in self.middle:
            h = layer(h, temb, cemb)
        for layer in self.up:
            if isinstance(layer, ResBlock):
                h = torch.cat([h, skips.pop()], dim=1)
            h = layer(h, temb, cemb)
        return self.tail(h)


def guided_eps(model, x, t, label, w: float) -> torch.Tensor:
    """Classifier-free guidance ε = ε_u + w(ε_c − ε_u); label 0 is the unconditional one."""
    both = model(torch.cat([x, x]), torch.cat([t, t]), torch.cat([torch.zeros_like(label), label]))
    eps_u, eps_c = both.chunk(2)
    return eps_u + w * (eps_c - eps_u)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


__all__ = ["EpsUNet", "EpsUNetConfig", "F", "guided_eps", "parameter_count", "sinusoidal_table"]
