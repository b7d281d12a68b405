"""Device and thread set-up shared by every job kind."""

from __future__ import annotations

import os

import torch

from .errors import ConfigError


def resolve_device(name: str) -> torch.device:
    """'auto' picks CUDA when present; 'cuda' without a GPU is a clear error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"device '{name}' requested but no CUDA device is visible")
    if name != "cpu" and not name.startswith("cuda"):
        raise ConfigError(f"device must be auto, cpu or cuda[:N], got '{name}'")
    return torch.device(name)


def configure(threads: int | None, device: torch.device) -> None:
    """Pin intra-op threads (from the rule's ``threads``) and enable TF32 on CUDA."""
    if threads is None:
        threads = int(os.environ.get("DIFFGEN_THREADS", "0")) or None
    if threads:
        torch.set_num_threads(threads)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True


def full_precision_matmuls(device: torch.device) -> None:
    """Plain fp32 matmuls on CUDA (TF32 off): measurements compare KLs and losses that
    differ by ~1e-3 near their minima, about TF32's and bf16's rounding."""
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False


def runtime_device(args) -> torch.device:
    """Resolve ``--device`` and apply ``--threads`` of a CLI job."""
    device = resolve_device(args.device)
    configure(args.threads, device)
    return device
