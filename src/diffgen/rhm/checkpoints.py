"""bpUNet checkpoints of study 5 (``step<S>.pt``) and the model as a denoiser.

A checkpoint holds the weights at step S, the architecture that rebuilds
them, the run's spec and the batch-loss EMA at that step (Fig 1(b) plots it).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import torch

from diffgen import __version__
from diffgen.core.denoisers import Denoiser
from diffgen.core.device import full_precision_matmuls
from diffgen.core.errors import InputFileError
from diffgen.core.torchio import load_torch
from diffgen.rhm.network import BpUNet, NetworkConfig

FORMAT = "diffgen.rhm_checkpoint"
TRAIN_LOG_NAME = "train_log.csv"


def checkpoint_name(step: int) -> str:
    return f"step{step}.pt"


def payload(model: BpUNet, step: int, spec: dict, loss_ema: float) -> dict:
    return {
        "format": FORMAT,
        "diffgen_version": __version__,
        "step": step,
        "loss_ema": loss_ema,
        "network": model.config.to_dict(),
        "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "spec": spec,
    }


def load(path: str | Path) -> dict:
    """The checkpoint payload, checked for the entries the jobs read."""
    data = load_torch(path, fmt=FORMAT)
    for key, kind in (("step", int), ("network", dict), ("model", dict), ("spec", dict)):
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            raise InputFileError(f"{path}: checkpoint lacks its '{key}' entry")
    return data


def load_model(path: str | Path, device: str | torch.device = "cpu") -> tuple[BpUNet, dict]:
    """(model in eval mode, payload) of a checkpoint; wrong weights are one line naming it."""
    data = load(path)
    try:
        model = BpUNet(NetworkConfig(**data["network"]))
    except (TypeError, ValueError) as err:
        raise InputFileError(f"{path}: checkpoint 'network' is malformed ({err})") from None
    try:
        model.load_state_dict(data["model"])
    except RuntimeError as err:
        first = str(err).strip().splitlines()[-1].strip()
        raise InputFileError(
            f"{path}: checkpoint weights do not fit the network ({first})"
        ) from None
    return model.to(device).eval(), data


class ModelDenoiser(Denoiser):
    """A trained bpUNet; fp32 unless ``mixed_precision`` (bf16 autocast, CUDA only)."""

    name = "model"

    def __init__(self, model: BpUNet, mixed_precision: bool = False) -> None:
        self.model = model.eval()
        self.device = next(model.parameters()).device
        self.mixed = mixed_precision and self.device.type == "cuda"
        if not self.mixed:
            full_precision_matmuls(self.device)

    @torch.no_grad()
    def log_probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        context = (
            torch.autocast("cuda", dtype=torch.bfloat16) if self.mixed else contextlib.nullcontext()
        )
        with context:
            logits = self.model(x_t.to(self.device, torch.float32), t.to(self.device))
        return torch.log_softmax(logits.float(), dim=-1)
