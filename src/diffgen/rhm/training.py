"""Training of the bpUNet on an RHM training set: one optimiser step per unit of work.

Adam (no weight decay, no schedule) on the D3PM KL loss, batches of 64 from a
permutation redrawn every epoch (the last batch of an epoch may be short, like
the reference's DataLoader). Each step draws t ~ U{1..T} and x_t ~ q(·|x_0) on
the device from the run's generator; ``n_trajectories`` k repeats each x_0 k
times. The batch-loss EMA (0.9) runs over all steps and is stored in every
checkpoint. Resuming, staging and progress are :mod:`diffgen.core.training`'s;
the epoch's permutation, its cursor and the EMA are part of the resume state.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from diffgen.core import training
from diffgen.core.diffusion.d3pm import kl_loss, noise_tokens, uniform_schedule
from diffgen.core.progress import log
from diffgen.core.seeding import array_digest
from diffgen.core.training import RunOptions, maybe_compile
from diffgen.rhm.checkpoints import payload
from diffgen.rhm.network import NetworkConfig, build, parameter_count

EMA_DECAY = 0.9


@dataclass
class TrainSpec:
    """Everything that determines a run's result (hashed into its resume identity)."""

    grammar: str
    P: int
    seed: int
    steps: int
    checkpoints: list[int]
    network: dict
    seed_model: int
    diffusion: dict
    batch_size: int
    lr: float
    n_trajectories: int
    mixed_precision: bool
    log_every: int

    def to_dict(self) -> dict:
        return asdict(self)


class RHMTrainer(training.Trainer):
    """One run: a step per :meth:`advance`."""

    unit = "steps"

    def __init__(self, spec: TrainSpec, leaves: torch.Tensor, options: RunOptions) -> None:
        device = options.device
        super().__init__(spec.steps, f"train {spec.grammar} P={spec.P} seed={spec.seed}", device)
        self.spec = spec
        self.config = NetworkConfig(**spec.network)
        self.leaves = leaves.to(device=device, dtype=torch.long)
        self.schedule = uniform_schedule(**spec.diffusion).to(device, torch.float32)
        self.model = build(self.config, spec.seed_model).to(device)
        self.step_model = maybe_compile(self.model, options.compile)
        self.optimizer = torch.optim.Adam(
            self.model.parameters(), lr=spec.lr, betas=(0.9, 0.999), fused=True
        )
        self.data_rng = torch.Generator(device=device)
        self.data_rng.manual_seed(1_000_003 * (spec.seed + 1) + spec.P)
        self.generators = {"data": self.data_rng}
        self.order = torch.zeros(0, dtype=torch.long, device=device)
        self.cursor = 0
        self.ema = torch.zeros((), device=device)
        self.interval_loss = torch.zeros((), device=device)
        self.interval_start = time.perf_counter()
        self.checkpoint_steps = set(spec.checkpoints)

    def _batch(self) -> torch.Tensor:
        """Rows of the next batch; a new permutation at the start of every epoch."""
        if self.cursor == 0:
            self.order = torch.randperm(self.spec.P, generator=self.data_rng, device=self.device)
        rows = self.order[self.cursor : self.cursor + self.spec.batch_size]
        self.cursor += rows.shape[0]
        if self.cursor >= self.spec.P:
            self.cursor = 0
        return rows

    def _autocast(self):
        enabled = self.spec.mixed_precision and self.device.type == "cuda"
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=enabled)

    def loss(self, x0: torch.Tensor) -> torch.Tensor:
        """The D3PM KL loss of one batch of leaves (B, d), with fresh t and x_t."""
        v, T = self.config.v, self.schedule.T
        x0 = x0.repeat_interleave(self.spec.n_trajectories, dim=0)
        t = torch.randint(1, T + 1, (x0.shape[0],), generator=self.data_rng, device=self.device)
        uniforms = torch.rand(x0.shape, generator=self.data_rng, device=self.device)
        x_t = F.one_hot(noise_tokens(x0, self.schedule.alpha_bar(t), v, uniforms), v).float()
        with self._autocast():
            logits = self.step_model(x_t, t)
        y = torch.softmax(logits.float(), dim=-1)
        return kl_loss(x_t, t, F.one_hot(x0, v).float(), y, self.schedule)

    def advance(self) -> dict | None:
        self.model.train()
        loss = self.loss(self.leaves[self._batch()])
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        value = loss.detach()
        self.ema = value if self.position == 0 else EMA_DECAY * self.ema + (1 - EMA_DECAY) * value
        self.interval_loss += value
        self.position += 1
        step = self.position
        if step % self.spec.log_every and step not in self.checkpoint_steps and step != self.total:
            return None
        return self._row()

    def _row(self) -> dict:
        """A log row: the mean batch loss since the last row, the EMA, the rate."""
        since = self.rows[-1]["step"] if self.rows else 0
        steps = self.position - since
        seconds = time.perf_counter() - self.interval_start
        row = {
            "step": self.position,
            "epoch": self.position * self.spec.batch_size / self.spec.P,
            "train_loss": float(self.interval_loss) / max(steps, 1),
            "loss_ema": float(self.ema),
            "lr": self.spec.lr,
            "seconds": seconds,
            "steps_per_second": steps / max(seconds, 1e-9),
        }
        self.rows.append(row)
        self.interval_loss = torch.zeros((), device=self.device)
        self.interval_start = time.perf_counter()
        return row

    def progress_text(self, row: dict | None) -> str:
        """The latest log row's losses (no device sync between rows)."""
        last = row or (self.rows[-1] if self.rows else None)
        if last is None:
            return ""
        return (f"loss {last['train_loss']:.5f}, EMA {last['loss_ema']:.5f} "
                f"(step {last['step']}, epoch {last['epoch']:.4g})")  # fmt: skip

    def checkpoint(self) -> dict:
        return payload(self.model, self.position, self.spec.to_dict(), float(self.ema))

    def extra_state(self) -> dict:
        return {"order": self.order.cpu(), "cursor": self.cursor, "ema": self.ema.cpu(),
                "interval_loss": self.interval_loss.cpu()}  # fmt: skip

    def restore_extra(self, state: dict) -> None:
        self.order = state["order"].to(self.device)
        self.cursor = int(state["cursor"])
        self.ema = state["ema"].to(self.device)
        self.interval_loss = state["interval_loss"].to(self.device)


def train(
    spec: TrainSpec,
    leaves: torch.Tensor,
    checkpoint_paths: dict[int, Path],
    log_path: Path,
    work_dir: Path,
    options: RunOptions,
    identity: dict | None = None,
) -> RHMTrainer:
    """Train one run to ``spec.steps``; its identity includes the digest of its data."""
    trainer = RHMTrainer(spec, leaves, options)
    log(
        f"training {spec.grammar} P={spec.P} seed={spec.seed} on {options.device}: "
        f"{parameter_count(trainer.model):,} parameters, {spec.steps} steps, "
        f"batch {spec.batch_size}"
    )
    run = {"spec": spec.to_dict(), "data": array_digest(leaves)}
    return training.train(trainer, run, checkpoint_paths, log_path, work_dir, options, identity)
