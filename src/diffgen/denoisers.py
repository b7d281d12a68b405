"""x0-denoisers behind one interface: the trained model, exact BP, BP_k, empirical, prior.

Every denoiser maps ``(x_t (B, L, q), t (B,) integer steps)`` to the log of its
estimate of E[x0 | x_t], i.e. per-position log-probabilities (B, L, q). Log
space lets metrics take KL divergences without re-normalising.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod

import numpy as np
import torch

from .bp import TreeBP, diffusion_field
from .schedule import Schedule


class Denoiser(ABC):
    """Common interface: ``log_probs(x_t, t)`` with t a (B,) tensor of steps."""

    name: str = "denoiser"

    @abstractmethod
    def log_probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """Log of the x0 estimate, (B, L, q) float32."""

    def probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.log_probs(x_t, t).exp()


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


class BPDenoiser(Denoiser):
    """The Bayes-optimal denoiser of the grammar (k = 0) or of its BP_k simplification."""

    def __init__(
        self,
        M: np.ndarray,
        depth: int,
        schedule: Schedule,
        k: int = 0,
        device: str | torch.device = "cpu",
        dtype: torch.dtype = torch.float32,
    ) -> None:
        self.bp = TreeBP(M, depth, k=k, device=device, dtype=dtype)
        self.schedule = schedule
        self.name = f"bp{k}"

    def log_probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        abar = self.schedule.alpha_bar(t.cpu())
        field = diffusion_field(x_t, abar.to(x_t.device))
        return self.bp.log_marginals(field).float().to(x_t.device)


class EmpiricalDenoiser(Denoiser):
    """The optimal denoiser of the empirical distribution of a training set (memorizes)."""

    name = "empirical"

    def __init__(self, train_one_hot: torch.Tensor, schedule: Schedule, chunk: int = 4096) -> None:
        self.train = train_one_hot.float()  # (P, L, q)
        self.flat = self.train.flatten(1)  # (P, L*q)
        self.schedule = schedule
        self.chunk = chunk

    @torch.no_grad()
    def log_probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        # |x_t - a x0|^2 = |x_t|^2 - 2 a x_t.x0 + a^2 L for one-hot x0: only the
        # cross term depends on the training point.
        abar = self.schedule.alpha_bar(t.cpu()).to(x_t.device)
        scale = (torch.sqrt(abar) / (1.0 - abar)).float().view(-1, 1)
        flat = self.flat.to(x_t.device)
        out = []
        for rows in torch.split(torch.arange(x_t.shape[0], device=x_t.device), self.chunk):
            logits = scale[rows] * (x_t[rows].flatten(1).float() @ flat.T)  # (b, P)
            weights = torch.softmax(logits, dim=-1)
            out.append((weights @ flat).view(-1, *self.train.shape[1:]))
        return torch.log(torch.cat(out))


class PriorDenoiser(Denoiser):
    """No grammar at all: independent uniform leaves, x0_hat = softmax(field) per leaf."""

    name = "prior"

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule

    def log_probs(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        abar = self.schedule.alpha_bar(t.cpu()).to(x_t.device)
        return torch.log_softmax(diffusion_field(x_t, abar), dim=-1).float()
