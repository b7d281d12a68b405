"""Transformer checkpoints of study 1: the declared training outputs ``epoch{E}.pt``.

A checkpoint holds the model weights at epoch E with the architecture and run
spec needed to rebuild it. Resume states are the core training loop's business.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch

from diffgen import __version__
from diffgen.biased.network import TransformerConfig, TransformerDenoiser
from diffgen.core.errors import InputFileError
from diffgen.core.torchio import check_weights, load_torch

FORMAT = "diffgen.checkpoint"

#: File names inside a training run's directory (the workflow declares the same).
TRAIN_LOG_NAME = "train_log.csv"


def checkpoint_name(epoch: int) -> str:
    return f"epoch{epoch}.pt"


def checkpoint_epochs(total: int, count: int, first: int) -> list[int]:
    """``count`` epochs log-spaced from ``first`` to ``total``, as the reference saves them.

    The reference computes ``torch.logspace(2, torch.log10(torch.tensor(total)),
    count).long()``: float32, then truncation, so 35,000 epochs end at 34,999.
    The same computation here gives the paper's epoch labels; duplicates (short
    runs) are kept once.
    """
    if total < 1 or count < 1 or first < 1:
        raise ValueError("epochs, checkpoint count and first checkpoint must be >= 1")
    first = min(first, total)
    end = torch.log10(torch.tensor(total))  # int64 -> float32, as the reference
    grid = torch.logspace(math.log10(first), end, count, dtype=torch.float32)
    return sorted({int(v) for v in grid.long().tolist()})


def checkpoint_payload(model: TransformerDenoiser, epoch: int, spec: dict) -> dict:
    return {
        "format": FORMAT,
        "diffgen_version": __version__,
        "epoch": epoch,
        "model_config": model.config.to_dict(),
        "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "spec": spec,
    }


def _architecture(path: Path, payload: dict) -> TransformerConfig:
    config = payload.get("model_config")
    if not isinstance(config, dict):
        raise InputFileError(f"{path}: checkpoint lacks its 'model_config' entry")
    try:
        return TransformerConfig(**config)
    except TypeError as err:
        raise InputFileError(f"{path}: checkpoint 'model_config' is malformed ({err})") from None


def load_model(path: str | Path, device: str | torch.device = "cpu") -> TransformerDenoiser:
    """Rebuild a trained model from a checkpoint file, in eval mode."""
    return load_checkpoint(path, device)[0]


def load_checkpoint(
    path: str | Path, device: str | torch.device = "cpu"
) -> tuple[TransformerDenoiser, int, dict]:
    """(model in eval mode, epoch, run spec) from one read of a checkpoint file."""
    path = Path(path)
    payload = load_torch(path, fmt=FORMAT)
    model = TransformerDenoiser(_architecture(path, payload))
    weights = payload.get("model")
    if not isinstance(weights, dict):
        raise InputFileError(f"{path}: checkpoint lacks its 'model' weights")
    check_weights(model, weights, path)
    model.load_state_dict(weights)
    spec = payload.get("spec")
    return model.to(device).eval(), _epoch(path, payload), spec if isinstance(spec, dict) else {}


def _epoch(path: str | Path, payload: dict) -> int:
    epoch = payload.get("epoch")
    if isinstance(epoch, bool) or not isinstance(epoch, int):
        raise InputFileError(f"{path}: checkpoint lacks an integer 'epoch'")
    return epoch


def checkpoint_epoch(path: str | Path) -> int:
    """The epoch recorded in a checkpoint (an error names a file without one)."""
    return _epoch(path, load_torch(path, fmt=FORMAT))
