"""Study 3's denoisers as models: which network, which preconditioning, and checkpoints.

A checkpoint holds the raw and the EMA weights, the network description that
rebuilds them and the preconditioning; :func:`load_denoiser` returns the EMA
net wrapped as a denoiser D(x, σ, labels) (measurements use the EMA, as the
reference does).
"""

from __future__ import annotations

from pathlib import Path

import torch

from diffgen import __version__
from diffgen.core.errors import InputFileError
from diffgen.core.torchio import load_torch
from diffgen.images.edm.precond import Preconditioned, make_precond
from diffgen.repro import mlp

FORMAT = "diffgen.repro_checkpoint"
#: MLP noise-feature scale per preconditioning (see :mod:`diffgen.repro.mlp`).
NOISE_SCALE = {"edm": 1.0, "vp": 4.0 / 999.0}


def describe(arch: str, shape: list[int], width: int, precond: str) -> dict:
    """What rebuilds a network: architecture, image shape (C, H, W), width, preconditioning."""
    return {"arch": arch, "shape": list(shape), "width": width, "precond": precond}


def build(network: dict, seed: int) -> torch.nn.Module:
    """The raw network F of a description, initialised from ``seed``."""
    if network["arch"] == "mlp":
        n = int(torch.tensor(network["shape"]).prod())
        return mlp.build(n, network["width"], seed, NOISE_SCALE[network["precond"]])
    from diffgen.repro.unet import build_ddpmpp

    return build_ddpmpp(network, seed)


def denoiser(net: torch.nn.Module, network: dict) -> Preconditioned:
    return Preconditioned(net, make_precond(network["precond"]))


def payload(model, ema, step: int, network: dict, spec: dict) -> dict:
    def cpu(module):
        return {k: v.detach().cpu() for k, v in module.state_dict().items()}

    return {"format": FORMAT, "diffgen_version": __version__, "step": step, "network": network,
            "model": cpu(model), "ema": cpu(ema), "spec": spec}  # fmt: skip


def load_denoiser(path: str | Path, device="cpu") -> tuple[Preconditioned, dict]:
    """(EMA denoiser in eval mode, payload); a wrong or corrupt file is one line naming it."""
    data = load_torch(path, fmt=FORMAT)
    for key in ("network", "ema", "spec"):
        if not isinstance(data.get(key), dict):
            raise InputFileError(f"{path}: checkpoint lacks its '{key}' entry")
    try:
        net = build(data["network"], 0)
        net.load_state_dict(data["ema"])
    except (KeyError, TypeError, ValueError, RuntimeError) as err:
        message = str(err).strip().splitlines()[-1][:120]
        raise InputFileError(f"{path}: checkpoint weights do not fit ({message})") from None
    return denoiser(net, data["network"]).to(device).eval(), data
