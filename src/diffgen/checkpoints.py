"""Model checkpoints (declared workflow outputs) and resume states (job-private).

A *checkpoint* ``epoch{E}.pt`` holds the model weights at epoch E with the
architecture and run spec needed to rebuild it. A *resume state* holds
everything needed to continue training bit for bit: model, optimiser, LR
scheduler, every RNG state, the epoch and the training log so far.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from . import __version__
from .atomic import atomic_path
from .errors import InputFileError
from .network import TransformerConfig, TransformerDenoiser

#: File names inside a training run's directory (the workflow declares the same).
TRAIN_LOG_NAME = "train_log.csv"


def checkpoint_name(epoch: int) -> str:
    return f"epoch{epoch}.pt"


def checkpoint_epochs(total: int, count: int, first: int) -> list[int]:
    """``count`` epochs log-spaced from ``first`` to ``total``, rounded, unique, sorted."""
    if total < 1 or count < 1 or first < 1:
        raise ValueError("epochs, checkpoint count and first checkpoint must be >= 1")
    first = min(first, total)
    grid = np.logspace(np.log10(first), np.log10(total), count)
    return sorted({int(v) for v in np.round(grid)} | {total})


def save_torch(payload: dict, path: str | Path) -> None:
    """torch.save through a temporary file and a rename, byte-reproducibly.

    torch.save names the archive inside the file after a path it is given (here
    the random temporary name); through an open file it uses a fixed name, so
    the same payload always gives the same bytes.
    """
    with atomic_path(path) as tmp, tmp.open("wb") as handle:
        torch.save(payload, handle)


def load_torch(path: str | Path, what: str = "checkpoint") -> dict:
    """torch.load with a one-line error naming the file when it is missing or corrupt."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: {what} does not exist")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as err:  # torch raises several types for truncated/corrupt files
        raise InputFileError(
            f"{path}: corrupt or unreadable {what} ({type(err).__name__})"
        ) from None
    if not isinstance(payload, dict) or "format" not in payload:
        raise InputFileError(f"{path}: not a diffgen {what}")
    return payload


def save_checkpoint(model: TransformerDenoiser, epoch: int, spec: dict, path: str | Path) -> None:
    save_torch(
        {
            "format": "diffgen.checkpoint",
            "diffgen_version": __version__,
            "epoch": epoch,
            "model_config": model.config.to_dict(),
            "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
            "spec": spec,
        },
        path,
    )


def load_model(path: str | Path, device: str | torch.device = "cpu") -> TransformerDenoiser:
    """Rebuild a trained model from a checkpoint file, in eval mode."""
    payload = load_torch(path)
    if payload["format"] != "diffgen.checkpoint":
        raise InputFileError(f"{path}: not a model checkpoint ({payload['format']})")
    model = TransformerDenoiser(TransformerConfig(**payload["model_config"]))
    try:
        model.load_state_dict(payload["model"])
    except RuntimeError as err:
        raise InputFileError(f"{path}: weights do not match the architecture ({err})") from None
    return model.to(device).eval()


def checkpoint_epoch(path: str | Path) -> int:
    return int(load_torch(path)["epoch"])
