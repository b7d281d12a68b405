"""Helpers shared by the jobs that evaluate models: schedule, model denoiser, batching."""

from __future__ import annotations

import torch

from .. import dataset
from ..checkpoints import load_model
from ..denoisers import BPDenoiser, Denoiser, ModelDenoiser
from ..device import full_precision_matmuls, runtime_device
from ..evaluation import fixed_noisy_batch
from ..schedule import Schedule, linear_schedule


def schedule_from(spec: dict) -> Schedule:
    diffusion = spec["diffusion"]
    return linear_schedule(diffusion["T"], diffusion["beta_start"], diffusion["beta_end"])


def model_denoiser(path: str, device: torch.device, spec: dict) -> ModelDenoiser:
    """The checkpoint as a denoiser, at the spec's precision (full fp32 unless mixed)."""
    mixed = spec.get("mixed_precision", False)
    if not mixed:
        full_precision_matmuls(device)
    return ModelDenoiser(load_model(path, device), mixed)


def batched_log_probs(
    denoiser: Denoiser, x_t: torch.Tensor, t: torch.Tensor, batch: int, device
) -> torch.Tensor:
    """Log-probabilities over many rows, in device batches, returned on the CPU."""
    parts = [
        denoiser.log_probs(x_t[rows].to(device), t[rows].to(device)).float().cpu()
        for rows in torch.split(torch.arange(x_t.shape[0]), batch)
    ]
    return torch.cat(parts)


class JobContext:
    """What a model-evaluation job loads first: spec, device, dataset, grammar, schedule."""

    def __init__(self, args) -> None:
        self.spec = args.spec
        self.device = runtime_device(args)
        self.ds = dataset.load(args.data)
        self.grammar = self.ds.grammar
        self.schedule = schedule_from(self.spec)

    def step(self, key: str = "t_fraction") -> int:
        """The diffusion step of the spec's time fraction ``key``."""
        return self.schedule.t_of_fraction(self.spec[key])

    def grid(self) -> list[int]:
        """The distinct steps of the spec's ``t_fractions``, ascending."""
        return sorted({self.schedule.t_of_fraction(f) for f in self.spec["t_fractions"]})

    def model(self, path: str) -> ModelDenoiser:
        return model_denoiser(path, self.device, self.spec)

    def log_probs(self, denoiser: Denoiser, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return batched_log_probs(denoiser, x_t, t, self.spec["batch_size"], self.device)

    def noisy(self, tokens, t: int | None = None):
        """(x0, t, x_t) of ``tokens`` with the spec's fixed evaluation noise."""
        return fixed_noisy_batch(tokens, self.grammar.q, self.schedule, self.spec["eval_seed"], t)

    def oracle(self, k: int = 0) -> BPDenoiser:
        g = self.grammar
        return BPDenoiser(g.M, g.l, self.schedule, k=k, device=self.device)
