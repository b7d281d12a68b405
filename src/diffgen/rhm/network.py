"""bpUNet: the reference's U-Net whose blocks mirror BP's sweeps on the RHM tree.

There is no time embedding: the input itself carries the time, through the
map x ↦ ᾱ'_τ·x + (1 − ᾱ'_τ)/v (the BP leaf evidence of x_t, on a fixed
T' = 1000 schedule (1e-4, 0.02) with τ = ⌊1000·i/T⌋), standardised by the mean
and spread of that map over the 1,001 τ. Then a 1×1 embedding, ``depth``
down blocks (conv with kernel = stride = s: one tree level each, like the
upward sweep), as many up blocks (transposed convs with skips: the downward
sweep) and a 1×1 readout of [h, embedding] to logits.

Weights are N(0, 1) divided at run time by √fan_in (readout: by fan_in), no
biases; LayerNorms over channels. Parameters: 3vW + depth·(3sW² + 4W). Inputs,
outputs and every activation are channel-last (B, length, C), the project's
token-last layout.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from diffgen.core.diffusion.d3pm import uniform_schedule

#: The fixed schedule of the input map (the reference's network default).
INPUT_SCHEDULE = {"T": 1000, "beta1": 1e-4, "beta2": 0.02}


@dataclass(frozen=True)
class NetworkConfig:
    """Architecture: vocabulary v, branching s (= kernel), leaves d, width W, depth, diffusion T."""

    v: int
    s: int
    d: int
    width: int
    depth: int
    T: int

    def to_dict(self) -> dict:
        return asdict(self)


def parameter_formula(v: int, s: int, width: int, depth: int) -> int:
    """3vW + depth·(3sW² + 4W): embedding, readout, convs and LayerNorm affines."""
    return 3 * v * width + depth * (3 * s * width**2 + 4 * width)


class ScaledConv(nn.Module):
    """Conv with kernel = stride (or its transpose), N(0,1) weights ÷ √fan_in (readout: ÷ fan_in).

    The weights have the reference's conv shapes, (out, in, k) or (in, out, k)
    for the transpose, so one seed gives the same weights; the kernels never
    overlap, so the forward pass is a plain matrix product on channel-last
    tensors (B, length, C), which beats a convolution call at these sizes.
    """

    def __init__(
        self, c_in: int, c_out: int, kernel: int, transpose: bool = False, readout: bool = False
    ) -> None:
        super().__init__()
        shape = (c_in, c_out, kernel) if transpose else (c_out, c_in, kernel)
        self.weight = nn.Parameter(torch.randn(shape))
        self.kernel, self.transpose = kernel, transpose
        fan_in = kernel * c_in
        self.scale = 1.0 / fan_in if readout else 1.0 / math.sqrt(fan_in)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, channels = x.shape
        if self.transpose:  # (B, n, C_in) -> (B, n·k, C_out)
            weight = self.weight.permute(0, 2, 1).reshape(channels, -1)
            return (x @ weight).reshape(batch, length * self.kernel, -1) * self.scale
        # (B, n·k, C_in) -> (B, n, C_out): each output reads k consecutive inputs
        weight = self.weight.permute(0, 2, 1).reshape(self.weight.shape[0], -1)
        grouped = x.reshape(batch, length // self.kernel, self.kernel * channels)
        return (grouped @ weight.T) * self.scale


class BpUNet(nn.Module):
    """Logits of x_0 (B, d, v) from one-hot x_t (B, d, v) and integer steps i (B,)."""

    def __init__(self, config: NetworkConfig) -> None:
        super().__init__()
        c = config
        if c.d % c.s**c.depth:
            raise ValueError(f"s^depth = {c.s**c.depth} does not divide d = {c.d}")
        self.config = c
        abar = uniform_schedule(**INPUT_SCHEDULE).alpha_bars
        evidence_mean = abar + (1 - abar) / c.v
        mean = evidence_mean.mean()
        std = ((abar + (1 - abar) / c.v**2).mean() - mean**2).sqrt()
        self.register_buffer("input_abar", abar.float(), persistent=False)
        self.input_mean, self.input_std = float(mean), float(std)
        # Created in the reference's order, so one seed gives the reference's weights.
        self.embed = ScaledConv(c.v, c.width, 1)
        self.down = nn.ModuleList(
            nn.ModuleList([ScaledConv(c.width, c.width, c.s), nn.LayerNorm(c.width)])
            for _ in range(c.depth)
        )
        self.up = nn.ModuleList(
            nn.ModuleList([ScaledConv(2 * c.width, c.width, c.s, transpose=True),
                           nn.LayerNorm(c.width)])
            for _ in range(c.depth)
        )  # fmt: skip
        self.readout = ScaledConv(2 * c.width, c.v, 1, readout=True)

    def input_map(self, x: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
        """Standardised ᾱ'_τ·x + (1 − ᾱ'_τ)/v, τ = ⌊1000·i/T⌋ (exact integer division)."""
        tau = torch.div(steps.long() * INPUT_SCHEDULE["T"], self.config.T, rounding_mode="floor")
        abar = self.input_abar[tau].view(-1, 1, 1).to(x.dtype)
        evidence = abar * x + (1 - abar) / self.config.v
        return (evidence - self.input_mean) / self.input_std

    def forward(self, x: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
        h = F.gelu(self.embed(self.input_map(x, steps)))
        skips = [h]
        for conv, norm in self.down:
            h = F.gelu(norm(conv(h)))
            skips.append(h)
        for conv, norm in self.up:
            h = F.gelu(norm(conv(torch.cat([h, skips.pop()], dim=-1))))
        return self.readout(torch.cat([h, skips.pop()], dim=-1))


def build(config: NetworkConfig, seed: int) -> BpUNet:
    """The network with weights from ``torch.manual_seed(seed)`` (the reference's seed_model)."""
    torch.manual_seed(seed)
    return BpUNet(config)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
