"""Training loop of the transformer denoiser: online noising, epochs, resumable.

One call trains one (size n, split, seed) run. Noising happens in batch on the
device inside the step. The run is resumable bit for bit: a resume state is
written atomically at every checkpoint epoch and every ``resume_every_seconds``,
and a restarted job continues from it. Checkpoints are staged in the work
directory and linked to their declared paths only at the end, so a killed job's
partial outputs (which Snakemake deletes) are never the only copy; the work
directory stays after the run (see :func:`train`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import torch
import torch.nn.functional as F

from .atomic import atomic_path, link_or_copy
from .checkpoints import (
    TRAIN_LOG_NAME,
    checkpoint_name,
    load_torch,
    save_checkpoint,
    save_torch,
)
from .dataset import config_hash
from .fingerprint import code_fingerprint
from .network import TransformerConfig, TransformerDenoiser, parameter_count
from .progress import Progress, log
from .schedule import linear_schedule


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
    beta_start: float = 1e-4
    beta_end: float = 0.02
    batch_size: int = 512
    lr: float = 3e-4
    lr_warm_epochs: int = 50
    lr_mid: float = 0.5
    lr_final: float = 0.1
    mixed_precision: bool = False  # bf16 autocast on CUDA (changes the numbers, so hashed)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def lr_multiplier(epoch: int, total: int, warm: int, mid: float, final: float) -> float:
    """1 -> mid linearly over ``warm`` epochs, then cosine from mid to final at ``total``."""
    if epoch <= warm:
        return 1.0 - (1.0 - mid) * epoch / max(warm, 1)
    span = max(total - warm, 1)
    progress = min((epoch - warm) / span, 1.0)
    return final + (mid - final) * 0.5 * (1.0 + math.cos(math.pi * progress))


@dataclass
class RunOptions:
    """How to run (never changes the result on a given device and thread count)."""

    device: torch.device
    resume_every_seconds: float = 600.0
    compile: bool = False
    progress_every: float = 10.0


class Trainer:
    """Holds the model, optimiser, scheduler and RNGs of one run."""

    def __init__(self, spec: TrainSpec, train_tokens: torch.Tensor, options: RunOptions) -> None:
        self.spec, self.options = spec, options
        device = options.device
        self.tokens = train_tokens.to(device=device, dtype=torch.long)
        q = spec.model["vocab"]
        self.x0 = F.one_hot(self.tokens, q).float()
        schedule = linear_schedule(spec.T, spec.beta_start, spec.beta_end)
        self.abar = schedule.alpha_bars.to(device=device, dtype=torch.float32)
        torch.manual_seed(spec.seed)
        self.model = TransformerDenoiser(TransformerConfig(**spec.model)).to(device)
        self.step_model = self._maybe_compile(self.model)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=spec.lr)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer,
            lambda e: lr_multiplier(
                e, spec.epochs, spec.lr_warm_epochs, spec.lr_mid, spec.lr_final
            ),
        )
        self.data_rng = torch.Generator(device=device)
        self.data_rng.manual_seed(spec.seed + 7919 * (spec.split + 1))
        self.epoch = 0
        self.rows: list[dict] = []

    def _maybe_compile(self, model: torch.nn.Module) -> torch.nn.Module:
        if not self.options.compile:
            return model
        try:
            return torch.compile(model)
        except Exception as err:  # compile support varies by platform; eager is always valid
            log(f"torch.compile unavailable ({type(err).__name__}: {err}); running eagerly")
            return model

    # -- one epoch ---------------------------------------------------------
    def _autocast(self):
        enabled = self.spec.mixed_precision and self.options.device.type == "cuda"
        return torch.autocast(self.options.device.type, dtype=torch.bfloat16, enabled=enabled)

    def run_epoch(self) -> dict:
        spec, device = self.spec, self.options.device
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
        lr = self.optimizer.param_groups[0]["lr"]
        self.scheduler.step()
        self.epoch += 1
        seconds = time.perf_counter() - start
        row = {
            "epoch": self.epoch,
            "train_loss": float(total) / n,
            "lr": lr,
            "seconds": seconds,
            "sequences_per_second": n / max(seconds, 1e-9),
        }
        self.rows.append(row)
        return row

    # -- resume state --------------------------------------------------------
    def state(self) -> dict:
        cuda = torch.cuda.get_rng_state_all() if self.options.device.type == "cuda" else None
        return {
            "format": "diffgen.resume_state",
            "epoch": self.epoch,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "rng_cpu": torch.get_rng_state(),
            "rng_cuda": cuda,
            "rng_data": self.data_rng.get_state(),
            "rows": self.rows,
        }

    def restore(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng_cpu"])
        if state["rng_cuda"] is not None and self.options.device.type == "cuda":
            torch.cuda.set_rng_state_all(state["rng_cuda"])
        self.data_rng.set_state(state["rng_data"])
        self.epoch = int(state["epoch"])
        self.rows = list(state["rows"])


def run_identity(spec: TrainSpec) -> str:
    """What a resume state must match: the run's spec and the training code that ran it.

    The code enters too, so that after an edit of the network or the loop (which
    reruns the job through its code fingerprint) an old state is not resumed.
    """
    return config_hash({"spec": spec.to_dict(), "code": code_fingerprint(__name__)})


def _load_state(state_path: Path, identity: str) -> dict | None:
    """The resume state or completion record of this run, or None (with a message why)."""
    if not state_path.exists():
        return None
    try:
        state = load_torch(state_path, what="resume state")
    except Exception as err:
        log(f"ignoring unreadable resume state {state_path}: {err}")
        return None
    if state.get("identity") != identity:
        log(f"resume state {state_path} belongs to another configuration or code; starting over")
        return None
    return state


def _completion_record(trainer: Trainer, identity: str) -> dict:
    """Replaces the resume state once the run is over: small, no weights."""
    return {"format": "diffgen.resume_state", "identity": identity, "epoch": trainer.epoch,
            "complete": True}  # fmt: skip


def train(
    spec: TrainSpec,
    train_tokens: torch.Tensor,
    checkpoint_paths: dict[int, Path],
    log_path: Path,
    work_dir: Path,
    options: RunOptions,
) -> Trainer:
    """Train to ``spec.epochs``, writing the declared checkpoints and the log table.

    Everything is staged in ``work_dir`` and linked into place at the end.
    ``work_dir`` stays afterwards, holding hard links to the checkpoints, the log
    table and a completion record: a job killed after its training finished (a
    time limit hit while Snakemake wraps up, which then deletes the outputs)
    gets its outputs back at once in the retry instead of training again.
    """
    missing = sorted(set(checkpoint_paths) - set(spec.checkpoints))
    if missing:
        raise ValueError(f"checkpoint epochs {missing} are not in the run's schedule")
    work_dir.mkdir(parents=True, exist_ok=True)
    state_path = work_dir / "state.pt"
    staged_log = work_dir / TRAIN_LOG_NAME
    staged = [work_dir / checkpoint_name(epoch) for epoch in checkpoint_paths] + [staged_log]
    trainer = Trainer(spec, train_tokens, options)
    log(
        f"training n={spec.n} split={spec.split} seed={spec.seed} on {options.device}: "
        f"{parameter_count(trainer.model):,} parameters, {spec.epochs} epochs, "
        f"batch {spec.batch_size}"
    )
    identity = run_identity(spec)
    state = _load_state(state_path, identity)
    if state is not None and state.get("complete") and not all(p.exists() for p in staged):
        log(f"{state_path} is complete but staged outputs are missing; training again")
        state = None
    if state is not None and state.get("complete"):
        log(f"already trained ({state_path} is complete): putting the staged outputs in place")
    else:
        if state is not None:
            trainer.restore(state)
            log(f"resumed from {state_path} at epoch {trainer.epoch}")
        _run_epochs(trainer, work_dir, state_path, identity, options)
        with atomic_path(staged_log) as tmp:
            pd.DataFrame(trainer.rows).to_csv(tmp, index=False)
        save_torch(_completion_record(trainer, identity), state_path)
    for epoch, destination in checkpoint_paths.items():
        link_or_copy(work_dir / checkpoint_name(epoch), destination)
    link_or_copy(staged_log, log_path)
    return trainer


def _run_epochs(
    trainer: Trainer, work_dir: Path, state_path: Path, identity: str, options: RunOptions
) -> None:
    """Train from the trainer's epoch to the end, staging checkpoints and resume states."""
    spec = trainer.spec
    progress = Progress(
        f"train n={spec.n} seed={spec.seed}",
        spec.epochs,
        "epochs",
        every=options.progress_every,
        initial=trainer.epoch,
    )
    last_save = time.monotonic()
    wanted = set(spec.checkpoints)
    while trainer.epoch < spec.epochs:
        row = trainer.run_epoch()
        progress.update(trainer.epoch, f"loss {row['train_loss']:.4f}, lr {row['lr']:.3g}")
        due = time.monotonic() - last_save >= options.resume_every_seconds
        if trainer.epoch in wanted:
            save_checkpoint(
                trainer.model,
                trainer.epoch,
                spec.to_dict(),
                work_dir / checkpoint_name(trainer.epoch),
            )
        if trainer.epoch in wanted or due:
            save_torch(dict(trainer.state(), identity=identity), state_path)
            last_save = time.monotonic()
