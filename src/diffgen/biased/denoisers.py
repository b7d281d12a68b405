"""Study 1's x0-denoisers without BP: the trained model, the prior, the empirical one.

BP and BP_k are in :mod:`diffgen.biased.oracle`, so that jobs which never use
them (sampling a model) do not depend on the BP code.
"""

from __future__ import annotations

import contextlib

import torch

from diffgen.biased.field import diffusion_field
from diffgen.core.denoisers import Denoiser, EmpiricalMean
from diffgen.core.diffusion.gaussian import Schedule


class ModelDenoiser(Denoiser):
    """A trained network; bf16 autocast on CUDA when ``mixed_precision``."""

    name = "model"

    def __init__(self, model: torch.nn.Module, mixed_precision: bool = False) -> None:
        self.model = model.eval()
        self.device = next(model.parameters()).device
        self.mixed_precision = mixed_precision and self.device.type == "cuda"

    @torch.no_grad()
    def log_probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        ctx = (
            torch.autocast("cuda", dtype=torch.bfloat16)
            if self.mixed_precision
            else contextlib.nullcontext()
        )
        with ctx:
            logits = self.model(x_t.to(self.device, torch.float32), t.to(self.device))
        return torch.log_softmax(logits.float(), dim=-1)


class EmpiricalDenoiser(Denoiser):
    """The optimal denoiser of the empirical distribution of a training set (memorizes)."""

    name = "empirical"

    def __init__(self, train_one_hot: torch.Tensor, schedule: Schedule, chunk: int = 4096) -> None:
        self.mean = EmpiricalMean(train_one_hot.float(), chunk=chunk)
        self.schedule = schedule

    @torch.no_grad()
    def log_probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        abar = self.schedule.alpha_bar(t.cpu()).to(x_t.device)
        return torch.log(self.mean(x_t.float(), torch.sqrt(abar), 1.0 - abar))


class PriorDenoiser(Denoiser):
    """No grammar at all: independent uniform leaves, x0_hat = softmax(field) per leaf."""

    name = "prior"

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule

    def log_probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        abar = self.schedule.alpha_bar(t.cpu()).to(x_t.device)
        return torch.log_softmax(diffusion_field(x_t, abar), dim=-1).float()
