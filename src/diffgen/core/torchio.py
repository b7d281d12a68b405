"""torch files written atomically and byte-reproducibly, read safely.

Every file the project writes with torch (checkpoints, resume states) holds
tensors, numbers, strings, lists and dicts only, so reading uses
``weights_only=True``: a file from a shared output cache can never run code.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from .atomic import atomic_path
from .errors import InputFileError
from .identity import attach_to_torch, placed


def save_torch(payload: dict, path: str | Path, identity: dict | None = None) -> None:
    """torch.save through a temporary file and a rename, byte-reproducibly.

    torch.save names the archive inside the file after a path it is given (here
    the random temporary name); through an open file it uses a fixed name, so
    the same payload always gives the same bytes. ``identity``
    (:func:`diffgen.core.identity.record`) is appended as one zip member.
    """
    with atomic_path(path) as tmp:
        with tmp.open("wb") as handle:
            torch.save(payload, handle)
        if identity is not None:
            attach_to_torch(tmp, placed(identity, path))


def load_torch(path: str | Path, what: str = "checkpoint", fmt: str | None = None) -> dict:
    """torch.load (weights only) with a one-line error naming the file.

    ``fmt``, when given, is the ``format`` entry the payload must carry.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: {what} does not exist")
    if path.is_dir():
        raise InputFileError(f"{path}: is a directory, not a {what}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises several types for truncated/corrupt files
        raise InputFileError(
            f"{path}: corrupt or unreadable {what} ({type(err).__name__})"
        ) from None
    if not isinstance(payload, dict) or "format" not in payload:
        raise InputFileError(f"{path}: not a diffgen {what}")
    if fmt is not None and payload["format"] != fmt:
        raise InputFileError(f"{path}: not a {what} (format {payload['format']!r})")
    return payload


def check_weights(model: nn.Module, weights: dict, path: str | Path) -> None:
    """Every name and shape of ``model``'s state dict is in ``weights``, and nothing else."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(weights))
    if missing:
        raise InputFileError(f"{path}: weights lack '{missing[0]}'")
    unexpected = sorted(set(weights) - set(expected))
    if unexpected:
        raise InputFileError(f"{path}: unexpected weight '{unexpected[0]}'")
    for name, tensor in expected.items():
        got = weights[name]
        if not torch.is_tensor(got) or got.shape != tensor.shape:
            shape = tuple(got.shape) if torch.is_tensor(got) else type(got).__name__
            raise InputFileError(
                f"{path}: weight '{name}' has shape {shape}, expected {tuple(tensor.shape)}"
            )
