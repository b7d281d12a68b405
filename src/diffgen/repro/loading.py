"""Any of study 3's denoisers from its file: a checkpoint (net) or a training set (D_N, D*)."""

from __future__ import annotations

import torch

from diffgen.core import identity
from diffgen.core.errors import InputFileError
from diffgen.repro import data, networks
from diffgen.repro.optimal import Empirical, MoLRGOptimal


def expect_source(path, spec: dict) -> dict | None:
    """A denoiser's source is the one its spec names: the checkpoint of a net trained on
    ``N`` rows, or a training set of ``N`` rows (D_N, D*). Returns its record."""
    if spec["denoiser"] == "net":
        return identity.expect(path, "repro", "train", required=False, N=spec["N"])
    return identity.expect(path, "repro", "data", required=False, N=spec["N"])


def load_denoiser(kind: str, path, device="cpu"):
    """``kind`` net (checkpoint, EMA weights), dn or dstar (training set) → D(x, σ, labels)."""
    if kind == "net":
        return networks.load_denoiser(path, device)[0]
    arrays, spec = data.load(path)
    if kind == "dn":
        return Empirical(torch.from_numpy(arrays["x"]).to(device))
    if "basis" not in arrays:
        raise InputFileError(f"{path}: D* needs a MoLRG training set (no basis stored)")
    m = spec["molrg"]
    return MoLRGOptimal(torch.from_numpy(arrays["basis"]).to(device), m["K"], m["d"])


def read_samples(path) -> torch.Tensor:
    from diffgen.core import hdf5

    arrays, _ = hdf5.read(path, "repro_samples", ["x"])
    return torch.from_numpy(arrays["x"])
