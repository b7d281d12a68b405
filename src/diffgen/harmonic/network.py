"""Bias-free denoisers: BF-UNet and BF-CNN (no additive constant anywhere).

The network outputs the residual r(y) ≈ y - x; the denoiser is D(y) = y - r(y).
Every layer is homogeneous of degree 1 in eval mode (bias-free convolutions, ReLU,
bias-free batch norm with running scales, average pooling), so D(a·y) = a·D(y)
for a > 0 and D(y) = J(y)·y.
"""

from __future__ import annotations

import torch
from torch import nn


class BFBatchNorm(nn.Module):
    """x·γ_c/s_c with s_c = √(biased var over batch, H, W + 1e-5): no mean, no shift.

    Eval mode divides by a running s (init 1, momentum 0.1).
    """

    def __init__(self, channels: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        self.eps, self.momentum = eps, momentum
        gamma = (torch.randn(channels) * (2.0 / (9.0 * 64.0))).clamp(-0.025, 0.025)
        self.gamma = nn.Parameter(gamma)
        self.register_buffer("running_sd", torch.ones(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            sd = torch.sqrt(x.var(dim=(0, 2, 3), unbiased=False) + self.eps)
            with torch.no_grad():
                self.running_sd.mul_(1 - self.momentum).add_(self.momentum * sd.detach())
        else:
            sd = self.running_sd
        return x * (self.gamma / sd).view(1, -1, 1, 1)


def conv(cin: int, cout: int) -> nn.Conv2d:
    layer = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
    nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
    return layer


def conv_bn(cin: int, cout: int) -> list[nn.Module]:
    return [conv(cin, cout), BFBatchNorm(cout), nn.ReLU()]


class BFUNet(nn.Module):
    """BF-UNet(K, B): B encoder blocks of widths K·2^b, a middle block, B decoder blocks."""

    def __init__(self, K: int, B: int) -> None:
        super().__init__()
        self.K, self.B = K, B
        width = [K * 2**b for b in range(B + 1)]
        self.encoder = nn.ModuleList()
        for b in range(B):
            if b == 0:
                layers = [conv(1, K), nn.ReLU(), *conv_bn(K, K)]
            else:
                layers = [*conv_bn(width[b - 1], width[b]), *conv_bn(width[b], width[b])]
            self.encoder.append(nn.Sequential(*layers))
        self.middle = nn.Sequential(*conv_bn(width[B - 1], width[B]), *conv_bn(width[B], width[B]))
        self.up = nn.ModuleList()
        self.decoder = nn.ModuleList()
        for b in reversed(range(B)):
            self.up.append(nn.ConvTranspose2d(width[b + 1], width[b], 2, stride=2, bias=False))
            layers = conv_bn(2 * width[b], width[b])
            layers += conv_bn(width[b], width[b]) if b >= 1 else [conv(K, 1)]
            self.decoder.append(nn.Sequential(*layers))
        self.pool = nn.AvgPool2d(2, 2)

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        skips, h = [], y
        for block in self.encoder:
            h = block(h)
            skips.append(h)
            h = self.pool(h)
        h = self.middle(h)
        for up, block in zip(self.up, self.decoder, strict=True):
            h = block(torch.cat([up(h), skips.pop()], dim=1))
        return h


class BFCNN(nn.Module):
    """BF-CNN: ``depth`` 3×3 convs of ``K`` channels, ReLU after the first, BN+ReLU inside."""

    def __init__(self, K: int, depth: int) -> None:
        super().__init__()
        layers = [conv(1, K), nn.ReLU()]
        for _ in range(depth - 2):
            layers += conv_bn(K, K)
        layers.append(conv(K, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return self.net(y)


def build(config: dict) -> nn.Module:
    """The network of a spec's ``network`` entry: {"arch": "unet", "K", "B"} or
    {"arch": "cnn", "K", "depth"}."""
    if config["arch"] == "unet":
        return BFUNet(config["K"], config["B"])
    return BFCNN(config["K"], config["depth"])


def denoise(model: nn.Module, y: torch.Tensor) -> torch.Tensor:
    """D(y) = y - r(y)."""
    return y - model(y)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
