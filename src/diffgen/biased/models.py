"""A checkpoint as a denoiser, and the diffusion schedule of a job's spec."""

from __future__ import annotations

import torch

from diffgen.biased.checkpoints import load_checkpoint
from diffgen.biased.denoisers import ModelDenoiser
from diffgen.core.device import full_precision_matmuls
from diffgen.core.diffusion.gaussian import Schedule, linear_schedule


def schedule_from(spec: dict) -> Schedule:
    diffusion = spec["diffusion"]
    return linear_schedule(diffusion["T"], diffusion["beta_start"], diffusion["beta_end"])


def model_denoiser(path: str, device: torch.device, spec: dict) -> ModelDenoiser:
    """The checkpoint as a denoiser, at the spec's precision (full fp32 unless mixed)."""
    return checkpoint_denoiser(path, device, spec)[0]


def checkpoint_denoiser(
    path: str, device: torch.device, spec: dict
) -> tuple[ModelDenoiser, int, dict]:
    """(denoiser, epoch, run spec) of a checkpoint from one read, at the spec's precision."""
    mixed = spec.get("mixed_precision", False)
    if not mixed:
        full_precision_matmuls(device)
    model, epoch, run = load_checkpoint(path, device)
    return ModelDenoiser(model, mixed), epoch, run
