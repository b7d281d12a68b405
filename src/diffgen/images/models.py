"""Image models as job specs describe them: the U-Net and its DDPM, built, saved and loaded.

Every image study states its network and diffusion with the same spec pieces
(:data:`MODEL`, :data:`DIFFUSION`), builds them with :func:`unet_from` and
:func:`ddpm_from`, and reads its checkpoints back as ε-functions with
:func:`load_unet`, so that a checkpoint of one study loads in another.
"""

from __future__ import annotations

from pathlib import Path

import torch

from diffgen.core.checks import Name, check_linear_schedule, fail, spec_key
from diffgen.core.device import full_precision_matmuls
from diffgen.core.errors import ConfigError, InputFileError
from diffgen.core.specs import Count, Positive, Range
from diffgen.images.checkpoints import load_model
from diffgen.images.ddpm import EpsDDPM
from diffgen.images.unet import UNet, UNetConfig

#: The architecture name checkpoints of :class:`UNet` record.
ARCHITECTURE = "unet"

#: Spec pieces: the U-Net's architecture and the diffusion.
MODEL = {
    "base": Count, "mults": [Count], "attention": [bool], "res_blocks": Count,
    "dropout": Range(float, 0.0, 1.0), "groups": Count,
}  # fmt: skip
DIFFUSION = {"diffusion": {"T": Count, "beta_start": Positive, "beta_end": Positive}}


def check_schedule(diffusion: dict, name: Name) -> None:
    """A DDPM schedule the U-Net can run: linear and possible, T within its step table."""
    check_linear_schedule(diffusion, name)
    if diffusion["T"] > UNetConfig.time_steps:
        fail(name, "T", f"the U-Net's step table has {UNetConfig.time_steps} rows")


def schedule_rule(spec: dict) -> None:
    """The check of every spec with the :data:`DIFFUSION` piece (the config checks run it too)."""
    check_schedule(spec["diffusion"], spec_key("diffusion."))


def unet_from(model: dict) -> UNetConfig:
    """The U-Net configuration of a spec's ``model`` piece."""
    return UNetConfig(
        base=model["base"], mults=tuple(model["mults"]), attention=tuple(model["attention"]),
        res_blocks=model["res_blocks"], dropout=model["dropout"], groups=model["groups"],
    )  # fmt: skip


def ddpm_from(spec: dict) -> EpsDDPM:
    """The DDPM of a spec's ``diffusion`` piece (a bad schedule is one line naming the key)."""
    diffusion = spec["diffusion"]
    try:
        return EpsDDPM.linear(diffusion["T"], diffusion["beta_start"], diffusion["beta_end"])
    except ValueError as err:
        raise ConfigError(f"--spec key 'diffusion': {err}") from None


def build(architecture: str, config: dict) -> UNet:
    """Rebuild a U-Net from a checkpoint's architecture entry."""
    if architecture != ARCHITECTURE:
        raise ValueError(f"architecture {architecture!r} is not a {ARCHITECTURE}")
    return UNet(UNetConfig(**config))


def load_unet(path: str | Path, device: torch.device, ddpm: EpsDDPM | None = None) -> UNet:
    """A checkpoint's U-Net in eval mode, with fp32 matmuls (measurements).

    With ``ddpm``, the network's step table must cover its steps.
    """
    full_precision_matmuls(device)
    model = load_model(path, build, device)
    if ddpm is not None and model.config.time_steps < ddpm.T:
        raise InputFileError(f"{path}: the U-Net knows {model.config.time_steps} steps, T={ddpm.T}")
    return model
