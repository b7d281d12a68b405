"""Training of one study-3 denoiser on the shared resumable loop, one Adam step per unit.

Batches are rows drawn uniformly with replacement by the run's generator (the
small sets of the small preset, N = 16, are smaller than a batch). The loss is
the EDM loss (optionally part log-uniform σ) or the VP loss of
:mod:`diffgen.images.edm.loss`; the learning rate ramps linearly over the first
``warmup_steps`` steps; the EMA (fixed decay per step) is part of the resume
state and of every checkpoint. Resuming, staging and progress are
:mod:`diffgen.core.training`'s, so a cut run ends bit-identical.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from diffgen.core import training
from diffgen.core.seeding import array_digest
from diffgen.core.training import RunOptions, maybe_compile
from diffgen.images.edm.ema import EMA
from diffgen.images.edm.loss import EDMLoss, VPLoss
from diffgen.images.edm.precond import EDMPrecond
from diffgen.repro import networks


@dataclass
class TrainSpec:
    """Everything that determines a run's result (hashed into its resume identity)."""

    N: int
    seed: int
    network: dict
    steps: int
    batch_size: int
    lr: float
    warmup_steps: int
    ema_decay: float
    loss: dict
    log_every: int

    def to_dict(self) -> dict:
        return asdict(self)


def make_loss(precond: str, loss: dict):
    if precond == "vp":
        return VPLoss(epsilon_t=loss["epsilon_t"])
    return EDMLoss(p_mean=loss["p_mean"], p_std=loss["p_std"], precond=EDMPrecond(),
                   uniform_fraction=loss["uniform_fraction"], sigma_lo=loss["sigma_lo"],
                   sigma_hi=loss["sigma_hi"])  # fmt: skip


class ReproTrainer(training.Trainer):
    """One run: a step per :meth:`advance`."""

    unit = "steps"

    def __init__(self, spec: TrainSpec, x: torch.Tensor, options: RunOptions) -> None:
        device = options.device
        label = f"train {spec.network['arch']}{spec.network['width']} N={spec.N} seed={spec.seed}"
        super().__init__(spec.steps, label, device)
        self.spec = spec
        self.x = x.to(device=device, dtype=torch.float32)
        self.model = networks.build(spec.network, spec.seed).to(device)
        self.denoiser = networks.denoiser(maybe_compile(self.model, options.compile),
                                          spec.network)  # fmt: skip
        self.ema = EMA(self.model, decay=spec.ema_decay)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=spec.lr,
                                          betas=(0.9, 0.999), eps=1e-8)  # fmt: skip
        self.loss = make_loss(spec.network["precond"], spec.loss)
        self.rng = torch.Generator(device=device)
        self.rng.manual_seed(1_000_003 * (spec.seed + 1) + spec.N)
        self.generators = {"data": self.rng}
        self.interval_loss = torch.zeros((), device=device)

    def advance(self) -> dict | None:
        spec = self.spec
        self.model.train()
        for group in self.optimizer.param_groups:
            group["lr"] = spec.lr * min(1.0, (self.position + 1) / max(spec.warmup_steps, 1))
        rows = torch.randint(0, len(self.x), (spec.batch_size,), generator=self.rng,
                             device=self.device)  # fmt: skip
        loss = self.loss(self.denoiser, self.x[rows], self.rng)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.ema.update(self.model)
        self.interval_loss += loss.detach()
        self.position += 1
        if self.position % spec.log_every and self.position != self.total:
            return None
        since = self.rows[-1]["step"] if self.rows else 0
        mean = float(self.interval_loss) / (self.position - since)
        row = {
            "step": self.position,
            "train_loss": mean,
            "lr": self.optimizer.param_groups[0]["lr"],
        }
        self.rows.append(row)
        self.interval_loss = torch.zeros((), device=self.device)
        return row

    def extra_state(self) -> dict:
        return {"ema": self.ema.state_dict(), "interval_loss": self.interval_loss.clone()}

    def restore_extra(self, state: dict) -> None:
        self.ema.load_state_dict(state["ema"])
        self.interval_loss = state["interval_loss"].to(self.device)

    def checkpoint(self) -> dict:
        return networks.payload(self.model, self.ema.module, self.position, self.spec.network,
                                self.spec.to_dict())  # fmt: skip


def train(spec: TrainSpec, x: torch.Tensor, out: Path, log_path: Path, work: Path,
          options: RunOptions, identity: dict | None = None) -> ReproTrainer:  # fmt: skip
    """Train to the last step; the checkpoint is written at the end only."""
    trainer = ReproTrainer(spec, x, options)
    run = {"spec": spec.to_dict(), "data": array_digest(x)}
    return training.train(trainer, run, {spec.steps: out}, log_path, work, options, identity)
