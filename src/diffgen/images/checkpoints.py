"""Checkpoints of image models: the declared training outputs ``epoch{E}.pt``.

A checkpoint holds the weights at epoch E, the architecture's name and
configuration (enough to rebuild the network) and the run's spec. Loading
checks every weight's name and shape against the rebuilt network, so a file
of another architecture or size is one line naming the file. Reference
checkpoints (a bare state dict, ``module.`` prefixes from DataParallel) load
through :func:`load_reference_weights`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

from diffgen import __version__
from diffgen.core.errors import InputFileError
from diffgen.core.torchio import check_weights, load_torch

FORMAT = "diffgen.image_checkpoint"
TRAIN_LOG_NAME = "train_log.csv"

#: Rebuilds a network from (architecture name, configuration dict).
Builder = Callable[[str, dict], nn.Module]


def checkpoint_name(epoch: int) -> str:
    return f"epoch{epoch}.pt"


def run_outputs(run_dir: Path, epochs: list[int]) -> tuple[dict[int, Path], Path]:
    """The checkpoint of every epoch and the training log of a run in ``run_dir``."""
    return {e: run_dir / checkpoint_name(e) for e in epochs}, run_dir / TRAIN_LOG_NAME


def rule_outputs(run_dir: str, epochs: list[int]) -> dict[str, str]:
    """A training rule's named outputs: ``epoch{E}`` per checkpoint, then ``log``.

    One name per output: the between-workflow cache needs every output of a
    multi-output rule named on its own. ``run_dir`` may hold wildcards.
    """
    outputs = {f"epoch{e}": f"{run_dir}/{checkpoint_name(e)}" for e in epochs}
    return {**outputs, "log": f"{run_dir}/{TRAIN_LOG_NAME}"}


def checkpoint_payload(
    model: nn.Module, architecture: str, config: dict, epoch: int, spec: dict
) -> dict:
    return {
        "format": FORMAT,
        "diffgen_version": __version__,
        "epoch": epoch,
        "architecture": architecture,
        "model_config": config,
        "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "spec": spec,
    }


def load_model(path: str | Path, build: Builder, device: str | torch.device = "cpu") -> nn.Module:
    """The network of a checkpoint, rebuilt by ``build``, in eval mode on ``device``."""
    payload = load_torch(path, fmt=FORMAT)
    architecture, config = payload.get("architecture"), payload.get("model_config")
    if not isinstance(architecture, str) or not isinstance(config, dict):
        raise InputFileError(f"{path}: checkpoint lacks its architecture and model_config")
    try:
        model = build(architecture, config)
    except (TypeError, ValueError) as err:
        raise InputFileError(f"{path}: cannot rebuild the network ({err})") from None
    weights = payload.get("model")
    if not isinstance(weights, dict):
        raise InputFileError(f"{path}: checkpoint lacks its 'model' weights")
    check_weights(model, weights, path)
    model.load_state_dict(weights)
    return model.to(device).eval()


def checkpoint_epoch(path: str | Path) -> int:
    """The epoch a checkpoint records (an error names a file without one)."""
    epoch = load_torch(path, fmt=FORMAT).get("epoch")
    if isinstance(epoch, bool) or not isinstance(epoch, int):
        raise InputFileError(f"{path}: checkpoint lacks an integer 'epoch'")
    return epoch


def load_reference_weights(path: str | Path, model: nn.Module) -> nn.Module:
    """Load a reference state-dict file (``torch.save(model.state_dict())``) into ``model``.

    ``module.`` prefixes (DataParallel) are stripped; names and shapes are checked.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: reference checkpoint does not exist")
    try:
        weights = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises several types for corrupt files
        raise InputFileError(
            f"{path}: unreadable reference checkpoint ({type(err).__name__})"
        ) from None
    if not isinstance(weights, dict):
        raise InputFileError(f"{path}: not a state dict")
    weights = {k.removeprefix("module."): v for k, v in weights.items()}
    check_weights(model, weights, path)
    model.load_state_dict(weights)
    return model.eval()
