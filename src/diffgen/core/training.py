"""The resumable training loop every study's trainer runs on.

A study supplies a :class:`Trainer` (its model, optimiser, data and one unit of
work: an epoch or a step); this module does the rest, identically for every
study:

* **Resume state.** Model, optimiser, scheduler, every RNG state, the position
  and the log so far go atomically to ``<work>/state.pt`` at every checkpoint
  position and every ``resume_every_seconds``. A restarted job continues from it
  and ends bit-identical to an uninterrupted run.
* **Identity.** A state is resumed only by the same run: its identity hashes the
  run's spec, the digest of its training data and the code fingerprint of the
  trainer's module, so a config, data or code change never continues an old run.
* **Staging.** Checkpoints and the log table are written in the work directory
  and linked into place at the end, so outputs Snakemake deletes from a failed
  job are never the only copy. The work directory then keeps the links and a
  small completion record: a job cut after its training finished gets its
  outputs back at once in the retry (``already trained``).
* **Progress.** A line (position, loss, rate, ETA) every ``progress_every`` seconds.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import torch

from diffgen.core.atomic import atomic_path, link_or_copy
from diffgen.core.errors import InputFileError
from diffgen.core.fingerprint import code_fingerprint
from diffgen.core.identity import placed
from diffgen.core.integrity import check_intact
from diffgen.core.progress import Progress, log
from diffgen.core.seeding import config_hash
from diffgen.core.torchio import load_torch, save_torch

STATE_FORMAT = "diffgen.resume_state"


@dataclass
class RunOptions:
    """How to run (never changes the result on a given device and thread count)."""

    device: torch.device
    resume_every_seconds: float = 600.0
    compile: bool = False
    progress_every: float = 10.0


def maybe_compile(model: torch.nn.Module, enabled: bool) -> torch.nn.Module:
    """torch.compile where asked and available; eager (with a log line) where it fails."""
    if not enabled:
        return model
    try:
        return torch.compile(model)
    except Exception as err:  # compile support varies by platform; eager is always valid
        log(f"torch.compile unavailable ({type(err).__name__}: {err}); running eagerly")
        return model


class Trainer(ABC):
    """One training run of a study: its state and one unit of work at a time.

    Subclasses set ``model``, ``optimizer``, optionally ``scheduler`` and
    ``generators`` (named torch generators) in ``__init__``, and implement
    :meth:`advance` and :meth:`checkpoint`. Extra resumable state goes through
    :meth:`extra_state` / :meth:`restore_extra`.
    """

    #: What one :meth:`advance` call does, for progress lines ("epochs", "steps").
    unit = "epochs"

    def __init__(self, total: int, label: str, device: torch.device) -> None:
        self.total, self.label, self.device = total, label, device
        self.position = 0
        self.rows: list[dict] = []
        self.model: torch.nn.Module
        self.optimizer: torch.optim.Optimizer
        self.scheduler = None
        self.generators: dict[str, torch.Generator] = {}

    @abstractmethod
    def advance(self) -> dict | None:
        """Do one unit of work, increment ``position``; return a log row or None."""

    @abstractmethod
    def checkpoint(self) -> dict:
        """The checkpoint payload at the current position (weights and what rebuilds them)."""

    def finish_epoch(self, loss_sum: torch.Tensor, count: int, start: float, items: str) -> dict:
        """Close an epoch of ``count`` items: step the LR scheduler, advance, log a row.

        The row holds the epoch's mean loss, the learning rate it ran at, its
        seconds and ``<items>_per_second``.
        """
        lr = self.optimizer.param_groups[0]["lr"]
        if self.scheduler is not None:
            self.scheduler.step()
        self.position += 1
        seconds = time.perf_counter() - start
        row = {
            "epoch": self.position,
            "train_loss": float(loss_sum) / count,
            "lr": lr,
            "seconds": seconds,
            f"{items}_per_second": count / max(seconds, 1e-9),
        }
        self.rows.append(row)
        return row

    def progress_text(self, row: dict | None) -> str:
        """Extra text of a progress line (default: the row's loss and learning rate)."""
        if not row:
            return ""
        parts = [f"loss {row['train_loss']:.4f}"] if "train_loss" in row else []
        if "lr" in row:
            parts.append(f"lr {row['lr']:.3g}")
        return ", ".join(parts)

    def extra_state(self) -> dict:
        return {}

    def restore_extra(self, state: dict) -> None:  # noqa: B027 (optional hook)
        """Counterpart of :meth:`extra_state`."""

    def state(self) -> dict:
        cuda = torch.cuda.get_rng_state_all() if self.device.type == "cuda" else None
        return {
            "format": STATE_FORMAT,
            "position": self.position,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": None if self.scheduler is None else self.scheduler.state_dict(),
            "rng_cpu": torch.get_rng_state(),
            "rng_cuda": cuda,
            "generators": {name: g.get_state() for name, g in self.generators.items()},
            "rows": self.rows,
            "extra": self.extra_state(),
        }

    def restore(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        if self.scheduler is not None:
            self.scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng_cpu"])
        if state["rng_cuda"] is not None and self.device.type == "cuda":
            torch.cuda.set_rng_state_all(state["rng_cuda"])
        for name, value in state["generators"].items():
            self.generators[name].set_state(value)
        self.position = int(state["position"])
        self.rows = list(state["rows"])
        self.restore_extra(state["extra"])


def run_identity(trainer: Trainer, run: dict) -> str:
    """What a resume state must match: the run (spec, data digest) and the trainer's code."""
    return config_hash({"run": run, "code": code_fingerprint(type(trainer).__module__)})


def _load_state(state_path: Path, identity: str) -> dict | None:
    """The resume state or completion record of this run, or None (with a message why)."""
    if not state_path.exists():
        return None
    try:
        state = load_torch(state_path, what="resume state", fmt=STATE_FORMAT)
    except Exception as err:
        log(f"ignoring unreadable resume state {state_path}: {err}")
        return None
    if state.get("identity") != identity:
        log(f"resume state {state_path} belongs to another run, data or code; starting over")
        return None
    return state


def _staged_intact(paths: list[Path]) -> bool:
    """Every staged output exists and is whole (a corrupted hard link corrupts both copies)."""
    try:
        check_intact(paths)
    except InputFileError:
        return False
    return all(path.exists() for path in paths)


def train(
    trainer: Trainer,
    run: dict,
    checkpoint_paths: dict[int, Path],
    log_path: Path,
    work_dir: Path,
    options: RunOptions,
    identity: dict | None = None,
) -> Trainer:
    """Run ``trainer`` to its total, writing the checkpoints at their positions and the log.

    ``run`` identifies the run (its spec and a digest of its data); ``checkpoint_paths``
    maps each checkpoint position to its declared output. Everything is staged in
    ``work_dir``, which stays afterwards (see the module docstring). ``identity``
    (:func:`diffgen.core.identity.record`) is written into every checkpoint, with
    its position and the name it is declared under.
    """
    out_of_range = sorted(p for p in checkpoint_paths if not 1 <= p <= trainer.total)
    if out_of_range:
        raise ValueError(f"checkpoint positions {out_of_range} lie outside 1..{trainer.total}")
    work_dir.mkdir(parents=True, exist_ok=True)
    state_path = work_dir / "state.pt"
    staged_log = work_dir / log_path.name
    staged = {p: work_dir / path.name for p, path in checkpoint_paths.items()}
    records = {
        position: placed({**identity, "spec": {**identity["spec"], "position": position}}, path)
        for position, path in checkpoint_paths.items()
        if identity is not None
    }
    identity = run_identity(trainer, run)
    state = _load_state(state_path, identity)
    complete = state is not None and state.get("complete")
    if complete and not _staged_intact([*staged.values(), staged_log]):
        log(f"{state_path} is complete but staged outputs are missing or corrupt; training again")
        state, complete = None, False
    if complete:
        log(f"already trained ({state_path} is complete): putting the staged outputs in place")
    else:
        if state is not None:
            trainer.restore(state)
            log(f"resumed from {state_path} at {trainer.unit[:-1]} {trainer.position}")
        _run(trainer, staged, state_path, identity, options, records)
        with atomic_path(staged_log) as tmp:
            pd.DataFrame(trainer.rows).to_csv(tmp, index=False)
        record = {"format": STATE_FORMAT, "identity": identity, "position": trainer.position,
                  "complete": True}  # fmt: skip
        save_torch(record, state_path)
    for position, destination in checkpoint_paths.items():
        link_or_copy(staged[position], destination)
    link_or_copy(staged_log, log_path)
    return trainer


def _run(
    trainer: Trainer,
    staged: dict[int, Path],
    state_path: Path,
    identity: str,
    options: RunOptions,
    records: dict[int, dict],
) -> None:
    """Advance from the trainer's position to the end, staging checkpoints and resume states."""
    progress = Progress(
        trainer.label, trainer.total, trainer.unit, every=options.progress_every,
        initial=trainer.position,
    )  # fmt: skip
    last_save = time.monotonic()
    while trainer.position < trainer.total:
        row = trainer.advance()
        progress.update(trainer.position, trainer.progress_text(row))
        at_checkpoint = trainer.position in staged
        if at_checkpoint:
            save_torch(
                trainer.checkpoint(), staged[trainer.position], records.get(trainer.position)
            )
        if at_checkpoint or time.monotonic() - last_save >= options.resume_every_seconds:
            save_torch(dict(trainer.state(), identity=identity), state_path)
            last_save = time.monotonic()
