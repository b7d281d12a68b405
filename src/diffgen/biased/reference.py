"""The reference-epochs record: which checkpoint later figures read, chosen from data."""

from __future__ import annotations

import json
from pathlib import Path

from diffgen.core.errors import InputFileError

KEYS = ("test_loss_min", "nn_divergence_min")


def read_references(path: str | Path, checkpoints: list[int]) -> dict[str, int | None]:
    """The reference epochs of a record, each one of ``checkpoints``.

    ``test_loss_min`` is always there; ``nn_divergence_min`` is None where the
    figure does not need it.
    """
    try:
        record = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise InputFileError(f"{path}: reference epochs do not exist") from None
    except (ValueError, UnicodeDecodeError, IsADirectoryError):
        raise InputFileError(f"{path}: reference epochs are not valid JSON") from None
    if not isinstance(record, dict) or "test_loss_min" not in record:
        raise InputFileError(f"{path}: reference epochs lack 'test_loss_min'")
    out = {}
    for which in KEYS:
        epoch = record.get(which)
        if epoch is None and which != "test_loss_min":
            out[which] = None
            continue
        if isinstance(epoch, bool) or not isinstance(epoch, int):
            raise InputFileError(f"{path}: '{which}' is {epoch!r}, not an epoch")
        if epoch not in checkpoints:
            raise InputFileError(f"{path}: '{which}' is epoch {epoch}, which has no checkpoint")
        out[which] = epoch
    return out
