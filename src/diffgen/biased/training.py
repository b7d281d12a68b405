"""Training of study 1's transformer denoiser: online noising, epochs, on the core loop.

One call trains one (size n, split, seed) run. Noising happens in batch on the
device inside the step; t and noise are fresh for every sample of every epoch.
Resuming, staging and progress are :mod:`diffgen.core.training`'s.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from diffgen.biased.checkpoints import checkpoint_payload
from diffgen.biased.network import TransformerConfig, TransformerDenoiser, parameter_count
from diffgen.core import training
from diffgen.core.diffusion.gaussian import linear_schedule
from diffgen.core.progress import log
from diffgen.core.seeding import array_digest
from diffgen.core.training import RunOptions, maybe_compile


@dataclass
class TrainSpec:
    """Everything that determines a training run's result (hashed for resume)."""

    n: int
    split: int
    seed: int
    epochs: int
    checkpoints: list[int]
    model: dict
    T: int
    beta_start: float
    beta_end: float
    batch_size: int
    lr: float
    lr_warm_epochs: int
    lr_mid: float
    lr_final: float
    mixed_precision: bool  # bf16 autocast on CUDA (changes the numbers, so hashed)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def lr_multiplier(epoch: int, total: int, warm: int, mid: float, final: float) -> float:
    """1 -> mid linearly over ``warm`` epochs, then cosine from mid to final at ``total``."""
    if epoch <= warm:
        return 1.0 - (1.0 - mid) * epoch / max(warm, 1)
    span = max(total - warm, 1)
    progress = min((epoch - warm) / span, 1.0)
    return final + (mid - final) * 0.5 * (1.0 + math.cos(math.pi * progress))


class TransformerTrainer(training.Trainer):
    """One (n, split, seed) run: an epoch per :meth:`advance`."""

    def __init__(self, spec: TrainSpec, train_tokens: torch.Tensor, options: RunOptions) -> None:
        device = options.device
        super().__init__(spec.epochs, f"train n={spec.n} seed={spec.seed}", device)
        self.spec = spec
        self.tokens = train_tokens.to(device=device, dtype=torch.long)
        self.x0 = F.one_hot(self.tokens, spec.model["vocab"]).float()
        schedule = linear_schedule(spec.T, spec.beta_start, spec.beta_end)
        self.abar = schedule.alpha_bars.to(device=device, dtype=torch.float32)
        torch.manual_seed(spec.seed)
        self.model = TransformerDenoiser(TransformerConfig(**spec.model)).to(device)
        self.step_model = maybe_compile(self.model, options.compile)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=spec.lr)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer,
            lambda e: lr_multiplier(
                e, spec.epochs, spec.lr_warm_epochs, spec.lr_mid, spec.lr_final
            ),
        )
        self.data_rng = torch.Generator(device=device)
        self.data_rng.manual_seed(spec.seed + 7919 * (spec.split + 1))
        self.generators = {"data": self.data_rng}

    def _autocast(self):
        enabled = self.spec.mixed_precision and self.device.type == "cuda"
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=enabled)

    def advance(self) -> dict:
        spec, device = self.spec, self.device
        self.model.train()
        n = self.tokens.shape[0]
        start = time.perf_counter()
        perm = torch.randperm(n, generator=self.data_rng, device=device)
        total = torch.zeros((), device=device)
        for b in range(0, n, spec.batch_size):
            idx = perm[b : b + spec.batch_size]
            size = idx.shape[0]
            t = torch.randint(1, spec.T + 1, (size,), generator=self.data_rng, device=device)
            eps = torch.randn((size, *self.x0.shape[1:]), generator=self.data_rng, device=device)
            abar = self.abar[t - 1].view(-1, 1, 1)
            x_t = abar.sqrt() * self.x0[idx] + (1.0 - abar).sqrt() * eps
            with self._autocast():
                logits = self.step_model(x_t, t)
            loss = F.cross_entropy(logits.float().flatten(0, 1), self.tokens[idx].flatten())
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            total += loss.detach() * size
        return self.finish_epoch(total, n, start, "sequences")

    def checkpoint(self) -> dict:
        return checkpoint_payload(self.model, self.position, self.spec.to_dict())


def train(
    spec: TrainSpec,
    train_tokens: torch.Tensor,
    checkpoint_paths: dict[int, Path],
    log_path: Path,
    work_dir: Path,
    options: RunOptions,
    identity: dict | None = None,
) -> TransformerTrainer:
    """Train one run to ``spec.epochs``; its identity includes the digest of its data."""
    missing = sorted(set(checkpoint_paths) - set(spec.checkpoints))
    if missing:
        raise ValueError(f"checkpoint epochs {missing} are not in the run's schedule")
    trainer = TransformerTrainer(spec, train_tokens, options)
    log(
        f"training n={spec.n} split={spec.split} seed={spec.seed} on {options.device}: "
        f"{parameter_count(trainer.model):,} parameters, {spec.epochs} epochs, "
        f"batch {spec.batch_size}"
    )
    run = {"spec": spec.to_dict(), "data": array_digest(train_tokens)}
    return training.train(trainer, run, checkpoint_paths, log_path, work_dir, options, identity)
