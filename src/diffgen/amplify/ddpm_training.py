"""Training of fig 5's ε-UNet (the reference's DDPM recipe) on the shared resumable loop.

β = linspace(β_1, β_T, T), t ~ U{0..T−1}, x_t = √ᾱ_t x0 + √(1−ᾱ_t) ε; loss
Σ(ε̂ − ε)²/batch²; the whole batch gets label 0 (unconditional) w.p. ``p_uncond``.
AdamW, gradient clipping, and the learning rate of epoch e (epochs of the data):
×(1 + 1.5·e/W) for e < W = ⌊E/10⌋, then 2.5·½(1 + cos(π(e − W)/E)) (the
reference's warm-up into a cosine of T_max = E). The rate is a function of the
position, and every draw comes from one seeded generator, so a resumed run
equals an uninterrupted one bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch

from diffgen.amplify.epsunet import EpsUNet, EpsUNetConfig
from diffgen.core import training

CHECKPOINT_FORMAT = "diffgen.amplify_ddpm"


@dataclass
class DDPMSpec:
    network: dict
    beta_start: float
    beta_end: float
    iterations: int
    batch_size: int
    lr: float
    weight_decay: float
    grad_clip: float
    p_uncond: float
    seed: int

    def to_dict(self) -> dict:
        return asdict(self)


def betas(spec: DDPMSpec) -> np.ndarray:
    return np.linspace(spec.beta_start, spec.beta_end, spec.network["T"])


def lr_factor(epoch: int, epochs: int) -> float:
    """The reference's warm-up (×1 → ×2.5 over the first tenth) and cosine."""
    warm = epochs // 10
    if epoch < warm:
        return 1.0 + 1.5 * epoch / warm
    return 2.5 * 0.5 * (1.0 + math.cos(math.pi * (epoch - warm) / epochs))


class DDPMTrainer(training.Trainer):
    """One optimiser step per :meth:`advance`; ``images`` in [−1, 1], ``labels`` 1..K."""

    unit = "steps"

    def __init__(self, spec: DDPMSpec, images: torch.Tensor, labels: torch.Tensor, device) -> None:
        super().__init__(spec.iterations, "train ddpm", device)
        self.spec = spec
        self.images, self.labels = images.to(device), labels.to(device)
        torch.manual_seed(spec.seed)
        self.model = EpsUNet(EpsUNetConfig(**spec.network)).to(device)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=spec.lr,
                                           weight_decay=spec.weight_decay)  # fmt: skip
        self.rng = torch.Generator(device=device)
        self.rng.manual_seed(spec.seed)
        self.generators = {"data": self.rng}
        alpha_bar = np.cumprod(1.0 - betas(spec))
        self.alpha_bar = torch.as_tensor(alpha_bar, dtype=torch.float32, device=device)
        self.per_epoch = math.ceil(len(images) / spec.batch_size)
        self.epochs = math.ceil(spec.iterations / self.per_epoch)

    def advance(self) -> dict | None:
        spec, n = self.spec, len(self.images)
        epoch = self.position // self.per_epoch
        for group in self.optimizer.param_groups:
            group["lr"] = spec.lr * lr_factor(epoch, self.epochs)
        rows = torch.randint(0, n, (spec.batch_size,), generator=self.rng, device=self.device)
        x0, label = self.images[rows], self.labels[rows]
        if float(torch.rand((), generator=self.rng, device=self.device)) < spec.p_uncond:
            label = torch.zeros_like(label)
        t = torch.randint(0, spec.network["T"], (spec.batch_size,), generator=self.rng,
                          device=self.device)  # fmt: skip
        eps = torch.randn(x0.shape, generator=self.rng, device=self.device)
        a = self.alpha_bar[t].view(-1, 1, 1, 1)
        self.model.train()
        pred = self.model(a.sqrt() * x0 + (1 - a).sqrt() * eps, t, label)
        loss = (pred - eps).pow(2).sum() / spec.batch_size**2
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), spec.grad_clip)
        self.optimizer.step()
        self.position += 1
        row = {"step": self.position, "train_loss": float(loss.detach()),
               "lr": self.optimizer.param_groups[0]["lr"]}  # fmt: skip
        self.rows.append(row)
        return row

    def checkpoint(self) -> dict:
        return {"format": CHECKPOINT_FORMAT, "network": self.spec.network, "step": self.position,
                "model": self.model.state_dict(), "spec": self.spec.to_dict()}  # fmt: skip
