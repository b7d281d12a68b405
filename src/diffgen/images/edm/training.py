"""Step-based training of an EDM-style denoiser on the project's resumable loop.

:class:`EDMTrainer` is one optimiser step per unit of work: a batch of
``batch_size`` images (consecutive slices of a fresh seeded permutation of the
training set, drawn again as often as needed, so a batch may span epochs and
sets smaller than a batch work), the loss of :mod:`diffgen.images.edm.loss` on
the preconditioned network, an Adam step at the scheduled learning rate, and
an :class:`~diffgen.images.edm.ema.EMA` update. Resuming, staging and progress
are :mod:`diffgen.core.training`'s; the permutation, its cursor, the EMA and the
running loss are part of the resume state, so a killed run resumes bit-exactly.

Learning rate (:class:`LRSchedule`): lr·min(n/ramp, 1)·cosine, n the images
seen before the step (as the EDM reference, whose first step therefore runs at
lr 0 when it ramps), cosine = ½(1 + cos(π·step/steps)) when asked (the
bias-amplification recipe), else 1.

Randomness: σ, noise, augmentation and batches come from one generator seeded
with ``seed``; dropout and label dropout from torch's global generator, seeded
with ``seed`` too. bf16 autocast wraps the loss when ``mixed_precision`` is
set, on any device (the CPU included, where tests run it).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from diffgen.core import training
from diffgen.core.training import maybe_compile
from diffgen.images.edm.ema import EMA
from diffgen.images.edm.loss import Augment
from diffgen.images.edm.precond import Precond, Preconditioned

CHECKPOINT_FORMAT = "diffgen.edm_checkpoint"


@dataclass(frozen=True)
class LRSchedule:
    """The learning rate of a step: linear ramp over ``rampup_images``, optional cosine to 0."""

    lr: float
    rampup_images: float = 0.0
    cosine: bool = False

    def at(self, step: int, steps: int, images_seen: int) -> float:
        factor = 1.0
        if self.rampup_images > 0:
            factor = min(images_seen / self.rampup_images, 1.0)
        if self.cosine:
            factor *= 0.5 * (1 + math.cos(math.pi * step / steps))
        return self.lr * factor


class EDMTrainer(training.Trainer):
    """One run: ``net`` inside ``precond`` learns ``loss`` on ``images`` for ``steps`` steps.

    ``labels`` (N, label_dim) float one-hot rows go with their images; ``meta``
    (the run's spec, the network config) is stored in every checkpoint beside
    the net's and the EMA's weights.
    """

    unit = "steps"

    def __init__(
        self,
        net: nn.Module,
        precond: Precond,
        loss: Callable,
        ema: EMA,
        images: torch.Tensor,
        *,
        steps: int,
        batch_size: int,
        schedule: LRSchedule,
        seed: int,
        options: training.RunOptions,
        labels: torch.Tensor | None = None,
        augment: Augment | None = None,
        mixed_precision: bool = False,
        log_every: int = 100,
        checkpoint_steps: tuple[int, ...] = (),
        meta: dict | None = None,
        label: str = "train",
    ) -> None:
        device = options.device
        super().__init__(steps, label, device)
        torch.manual_seed(seed)
        self.model = net.to(device)
        label_dim = 0 if labels is None else labels.shape[1]
        denoiser = Preconditioned(self.model, precond, label_dim)
        self.denoiser = maybe_compile(denoiser, options.compile)
        self.loss_fn, self.augment, self.schedule = loss, augment, schedule
        self.ema = ema
        self.ema.module.to(device)
        self.images = images.to(device=device, dtype=torch.float32)
        self.labels = None if labels is None else labels.to(device=device, dtype=torch.float32)
        self.batch_size, self.log_every = batch_size, log_every
        self.mixed_precision, self.meta = mixed_precision, dict(meta or {})
        self.checkpoint_steps = set(checkpoint_steps)
        self.optimizer = torch.optim.Adam(
            self.model.parameters(), lr=schedule.lr, betas=(0.9, 0.999), eps=1e-8
        )
        self.data_rng = torch.Generator(device=device)
        self.data_rng.manual_seed(seed)
        self.generators = {"data": self.data_rng}
        self.order = torch.zeros(0, dtype=torch.long, device=device)
        self.cursor = 0
        self.interval_loss = torch.zeros((), device=device)
        self.interval_start = time.perf_counter()

    @property
    def images_seen(self) -> int:
        return self.position * self.batch_size

    def _batch(self) -> torch.Tensor:
        """Row indices of the next batch, drawing new permutations as they run out."""
        parts, needed, n = [], self.batch_size, self.images.shape[0]
        while needed:
            if self.cursor == 0:
                self.order = torch.randperm(n, generator=self.data_rng, device=self.device)
            take = self.order[self.cursor : self.cursor + needed]
            parts.append(take)
            needed -= take.shape[0]
            self.cursor = (self.cursor + take.shape[0]) % n
        return torch.cat(parts)

    def advance(self) -> dict | None:
        self.model.train()
        rows = self._batch()
        lr = self.schedule.at(self.position, self.total, self.images_seen)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        labels = None if self.labels is None else self.labels[rows]
        with torch.autocast(self.device.type, torch.bfloat16, enabled=self.mixed_precision):
            loss = self.loss_fn(self.denoiser, self.images[rows], self.data_rng, labels,
                                self.augment)  # fmt: skip
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.ema.update(self.model, self.batch_size, self.images_seen)
        self.interval_loss += loss.detach().float()
        self.position += 1
        step = self.position
        if step % self.log_every and step not in self.checkpoint_steps and step != self.total:
            return None
        return self._row(lr)

    def _row(self, lr: float) -> dict:
        """A log row: mean loss since the last row, the learning rate, the rate."""
        since = self.rows[-1]["step"] if self.rows else 0
        steps = self.position - since
        seconds = time.perf_counter() - self.interval_start
        row = {
            "step": self.position,
            "images_seen": self.images_seen,
            "train_loss": float(self.interval_loss) / max(steps, 1),
            "lr": lr,
            "seconds": seconds,
            "images_per_second": steps * self.batch_size / max(seconds, 1e-9),
        }
        self.rows.append(row)
        self.interval_loss = torch.zeros((), device=self.device)
        self.interval_start = time.perf_counter()
        return row

    def checkpoint(self) -> dict:
        def cpu(state):
            return {k: v.detach().cpu() for k, v in state.items()}

        return {
            "format": CHECKPOINT_FORMAT,
            "step": self.position,
            "images_seen": self.images_seen,
            "model": cpu(self.model.state_dict()),
            "ema": cpu(self.ema.state_dict()),
            "meta": self.meta,
        }

    def extra_state(self) -> dict:
        return {"ema": self.ema.state_dict(), "order": self.order.cpu(), "cursor": self.cursor,
                "interval_loss": self.interval_loss.cpu()}  # fmt: skip

    def restore_extra(self, state: dict) -> None:
        self.ema.load_state_dict(state["ema"])
        self.order = state["order"].to(self.device)
        self.cursor = int(state["cursor"])
        self.interval_loss = state["interval_loss"].to(self.device)
