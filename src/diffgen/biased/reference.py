"""The reference-epochs record: which checkpoint later figures read, chosen from data."""

from __future__ import annotations

import json
from pathlib import Path

from diffgen.core.errors import InputFileError

KEYS = ("test_loss_min", "nn_divergence_min")


def read_reference(path: str | Path, which: str, checkpoints: list[int]) -> int:
    """The epoch ``which`` of a reference record; it must be one of ``checkpoints``."""
    try:
        record = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise InputFileError(f"{path}: reference epochs do not exist") from None
    except (ValueError, UnicodeDecodeError, IsADirectoryError):
        raise InputFileError(f"{path}: reference epochs are not valid JSON") from None
    if not isinstance(record, dict) or which not in record:
        raise InputFileError(f"{path}: reference epochs lack '{which}'")
    epoch = record[which]
    if isinstance(epoch, bool) or not isinstance(epoch, int):
        raise InputFileError(f"{path}: '{which}' is {epoch!r}, not an epoch")
    if epoch not in checkpoints:
        raise InputFileError(f"{path}: '{which}' is epoch {epoch}, which has no checkpoint")
    return epoch
