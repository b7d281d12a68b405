"""Training of a blind bias-free denoiser on the shared resumable loop.

Each image gets σ = U², U ~ U(0, 1); y = x + σz; the network's residual r(y)
learns σz with loss Σ‖r(y) - σz‖²/batch. An epoch tiles the training set
⌊epoch_images/N⌋ times (at least once), shuffled; Adam, learning rate halved
every ``halve_every`` epochs. Every draw comes from one generator seeded by the
run's seed (part of the resume state), so a resumed run is bit-identical.
"""

from __future__ import annotations

import time
from pathlib import Path

import torch
from torch import nn

from diffgen.core import training
from diffgen.core.seeding import array_digest
from diffgen.core.torchio import check_weights, load_torch
from diffgen.harmonic.network import build

MODEL_FORMAT = "diffgen.harmonic_model"


def noisy_batch(x: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(y, σz) with σ = U² per image."""
    u = torch.rand(x.shape[0], generator=generator, device=x.device)
    sigma = (u * u).view(-1, 1, 1, 1)
    noise = sigma * torch.randn(x.shape, generator=generator, device=x.device)
    return x + noise, noise


def blind_loss(model: nn.Module, x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    y, target = noisy_batch(x, generator)
    residual = model(y).float()
    return ((residual - target) ** 2).sum() / x.shape[0]


class BlindTrainer(training.Trainer):
    """One run: ``images`` (N, 1, L, L), the network of ``spec['network']``, ``spec['epochs']``."""

    def __init__(self, spec: dict, images: torch.Tensor, options: training.RunOptions) -> None:
        device = options.device
        super().__init__(spec["epochs"], f"train N={images.shape[0]}", device)
        torch.manual_seed(spec["seed"])
        self.spec = spec
        self.model = build(spec["network"]).to(device)
        self.step_model = training.maybe_compile(self.model, options.compile)
        self.images = images.to(device=device, dtype=torch.float32)
        self.reps = max(1, spec["epoch_images"] // images.shape[0])
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=spec["lr"])
        every = spec["halve_every"]
        self.scheduler = torch.optim.lr_scheduler.MultiStepLR(
            self.optimizer, milestones=list(range(every, spec["epochs"], every)), gamma=0.5
        )
        self.rng = torch.Generator(device=device)
        self.rng.manual_seed(spec["seed"])
        self.generators = {"data": self.rng}

    def advance(self) -> dict:
        self.model.train()
        n, device, batch = self.images.shape[0], self.device, self.spec["batch_size"]
        start = time.perf_counter()
        order = torch.randperm(n * self.reps, generator=self.rng, device=device) % n
        total = torch.zeros((), device=device)
        autocast = self.spec["mixed_precision"]
        for b in range(0, len(order), batch):
            x = self.images[order[b : b + batch]]
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
                loss = blind_loss(self.step_model, x, self.rng)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            total += loss.detach() * x.shape[0]
        return self.finish_epoch(total, len(order), start, "images")

    def checkpoint(self) -> dict:
        state = {k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()}
        return {
            "format": MODEL_FORMAT,
            "network": self.spec["network"],
            "state": state,
            "epoch": self.position,
            "spec": self.spec,
        }


def train(
    spec: dict,
    images: torch.Tensor,
    out: Path,
    log_path: Path,
    work: Path,
    options: training.RunOptions,
    identity: dict | None = None,
) -> BlindTrainer:
    """Train to the end, the final checkpoint at ``out`` (with ``identity``, its record)."""
    trainer = BlindTrainer(spec, images, options)
    run = {"spec": spec, "data": array_digest(images)}
    return training.train(trainer, run, {spec["epochs"]: out}, log_path, work, options, identity)


def load_model(path: str | Path, device: torch.device | str = "cpu") -> tuple[nn.Module, dict]:
    """The eval-mode network of a checkpoint, and its payload."""
    payload = load_torch(path, "harmonic model", fmt=MODEL_FORMAT)
    model = build(payload["network"])
    check_weights(model, payload["state"], path)
    model.load_state_dict(payload["state"])
    return model.to(device).eval(), payload
