"""Training of image denoisers on the project's resumable loop, one epoch per step.

:class:`ImageTrainer` owns what every image study's training shares: the
images on the device, a seeded shuffle every epoch, batches, the optimiser,
mixed precision and torch.compile where asked, and log rows; resuming, staging
and progress are :mod:`diffgen.core.training`'s. What is learned is an
:class:`Objective` (the parameterisation: ε-, x0- or v-prediction DDPM in
:mod:`diffgen.images.objectives`; a blind denoiser, EDM preconditioning
elsewhere), and the network is any module. Studies with schedules or EMA
override :meth:`ImageTrainer.make_optimizer`, ``scheduler`` or
:meth:`ImageTrainer.after_step`.

Every random draw (shuffles, steps, noise) comes from one generator seeded
from the run's seed; dropout draws from torch's global generator, seeded the
same way. Both are part of the resume state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import torch
from torch import nn

from diffgen.core import training
from diffgen.core.training import maybe_compile


class Objective(Protocol):
    """The training loss of one batch of clean images, drawing its randomness from ``generator``."""

    def __call__(
        self, model: nn.Module, x0: torch.Tensor, generator: torch.Generator
    ) -> torch.Tensor: ...


class ImageTrainer(training.Trainer):
    """One run: ``model`` learns ``objective`` on ``images`` (N, C, H, W) for ``epochs`` epochs.

    ``payload(model, epoch)`` makes a checkpoint's contents. Batches are
    consecutive slices of a fresh permutation every epoch (the last one shorter
    when the batch does not divide N).
    """

    def __init__(
        self,
        model: nn.Module,
        objective: Objective,
        images: torch.Tensor,
        *,
        epochs: int,
        batch_size: int,
        lr: float,
        seed: int,
        payload: Callable[[nn.Module, int], dict],
        options: training.RunOptions,
        mixed_precision: bool = False,
        label: str = "train",
    ) -> None:
        device = options.device
        super().__init__(epochs, label, device)
        self.model = model.to(device)
        self.step_model = maybe_compile(self.model, options.compile)
        self.objective = objective
        self.images = images.to(device=device, dtype=torch.float32)
        self.batch_size, self.lr = batch_size, lr
        self.mixed_precision = mixed_precision and device.type == "cuda"
        self.payload = payload
        self.optimizer = self.make_optimizer()
        self.data_rng = torch.Generator(device=device)
        self.data_rng.manual_seed(seed)
        self.generators = {"data": self.data_rng}

    def make_optimizer(self) -> torch.optim.Optimizer:
        """Adam at a constant learning rate over the trainable parameters."""
        return torch.optim.Adam([p for p in self.model.parameters() if p.requires_grad], lr=self.lr)

    def after_step(self) -> None:
        """Called after every optimiser step (an EMA update, a per-step schedule)."""

    def advance(self) -> dict:
        self.model.train()
        n, device = self.images.shape[0], self.device
        start = time.perf_counter()
        order = torch.randperm(n, generator=self.data_rng, device=device)
        total = torch.zeros((), device=device)
        for b in range(0, n, self.batch_size):
            x0 = self.images[order[b : b + self.batch_size]]
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=self.mixed_precision):
                loss = self.objective(self.step_model, x0, self.data_rng)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            self.after_step()
            total += loss.detach() * x0.shape[0]
        return self.finish_epoch(total, n, start, "images")

    def checkpoint(self) -> dict:
        return self.payload(self.model, self.position)
