"""Helpers shared by the job CLIs: schedule and denoisers from a spec."""

from __future__ import annotations

import torch

from ..checkpoints import load_model
from ..denoisers import ModelDenoiser
from ..schedule import Schedule, linear_schedule


def schedule_from(spec: dict) -> Schedule:
    diffusion = spec["diffusion"]
    return linear_schedule(diffusion["T"], diffusion["beta_start"], diffusion["beta_end"])


def model_denoiser(path: str, device: torch.device, spec: dict) -> ModelDenoiser:
    return ModelDenoiser(load_model(path, device), spec.get("mixed_precision", False))
