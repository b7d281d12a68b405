"""Transformer checkpoints of study 1: the declared training outputs ``epoch{E}.pt``.

A checkpoint holds the model weights at epoch E with the architecture and run
spec needed to rebuild it. Resume states are the core training loop's business.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from diffgen import __version__
from diffgen.biased.network import TransformerConfig, TransformerDenoiser
from diffgen.core.errors import InputFileError
from diffgen.core.torchio import load_torch

FORMAT = "diffgen.checkpoint"

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
    path = Path(path)
    payload = load_torch(path, fmt=FORMAT)
    model = TransformerDenoiser(_architecture(path, payload))
    weights = payload.get("model")
    if not isinstance(weights, dict):
        raise InputFileError(f"{path}: checkpoint lacks its 'model' weights")
    expected = model.state_dict()
    missing = sorted(set(expected) - set(weights))
    if missing:
        raise InputFileError(f"{path}: checkpoint weights lack '{missing[0]}'")
    unexpected = sorted(set(weights) - set(expected))
    if unexpected:
        raise InputFileError(f"{path}: checkpoint has unexpected weights '{unexpected[0]}'")
    for name, tensor in expected.items():
        got = weights[name]
        if not torch.is_tensor(got) or got.shape != tensor.shape:
            shape = tuple(got.shape) if torch.is_tensor(got) else type(got).__name__
            raise InputFileError(
                f"{path}: weight '{name}' has shape {shape}, expected {tuple(tensor.shape)}"
            )
    model.load_state_dict(weights)
    return model.to(device).eval()


def checkpoint_epoch(path: str | Path) -> int:
    """The epoch recorded in a checkpoint (an error names a file without one)."""
    payload = load_torch(path, fmt=FORMAT)
    epoch = payload.get("epoch")
    if isinstance(epoch, bool) or not isinstance(epoch, int):
        raise InputFileError(f"{path}: checkpoint lacks an integer 'epoch'")
    return epoch
