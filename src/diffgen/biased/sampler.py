"""Reverse diffusion for any x0-denoiser, batched, with reproducible noise.

Modes:

* ``fix-noise``: the noise added at step t to row i is a pure function of
  (seed, t, i), drawn on the CPU in fixed chunks of rows. It is the same for
  every model, checkpoint, device and batch size, so checkpoints are compared
  on one noise path. Use one shared seed for all models.
* ``stochastic``: the same construction with a job-specific seed (fresh noise
  per job, still reproducible from the config).
* ``deterministic``: the posterior mean only, no noise.

The final sample is the argmax of x0_hat at t = 1 (whose posterior mean is x0_hat).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from diffgen.core.denoisers import Denoiser
from diffgen.core.diffusion.gaussian import Schedule, noise, posterior_mean_std
from diffgen.core.progress import Progress
from diffgen.core.seeding import seeded_noise

MODES = ("stochastic", "fix-noise", "deterministic")

#: Called as observer(t, x_t, log_x0_hat, rows) at every step of every batch.
Observer = Callable[[int, torch.Tensor, torch.Tensor, slice], None]


@dataclass
class SampleResult:
    tokens: torch.Tensor  # (N, L) int64 argmax of the final x0_hat
    x0_hat: torch.Tensor  # (N, L, q) float32 final x0 estimate


@torch.no_grad()
def reverse_sample(
    denoiser: Denoiser,
    x_start: torch.Tensor,
    t_start: int,
    schedule: Schedule,
    mode: str = "fix-noise",
    seed: int = 0,
    batch_size: int = 50_000,
    device: str | torch.device = "cpu",
    observer: Observer | None = None,
    label: str = "sampling",
) -> SampleResult:
    """Run x_{t_start} -> x_0 for every row of ``x_start`` (N, L, q)."""
    if mode not in MODES:
        raise ValueError(f"sampler mode must be one of {MODES}, got {mode!r}")
    if not 1 <= t_start <= schedule.T:
        raise ValueError(f"t_start must lie in 1..{schedule.T}, got {t_start}")
    n = x_start.shape[0]
    shape = tuple(x_start.shape[1:])
    tokens, finals = [], []
    progress = Progress(label, n * t_start, unit="row-steps")
    done = 0
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        rows = slice(start, stop)
        x_t = x_start[rows].to(device, torch.float32)
        for t in range(t_start, 0, -1):
            t_vec = torch.full((stop - start,), t, dtype=torch.long, device=device)
            log_x0 = denoiser.log_probs(x_t, t_vec)
            if observer is not None:
                observer(t, x_t, log_x0, rows)
            mean, std = posterior_mean_std(log_x0.exp(), x_t, t, schedule)
            if mode == "deterministic" or std == 0.0:
                x_t = mean
            else:
                eps = seeded_noise(seed, t, start, stop, shape).to(device)
                x_t = mean + std * eps
            done += stop - start
            progress.update(done)
        finals.append(x_t.float().cpu())
        tokens.append(x_t.argmax(dim=-1).cpu())
    return SampleResult(tokens=torch.cat(tokens), x0_hat=torch.cat(finals))


def noise_to(
    x0: torch.Tensor, t: int, schedule: Schedule, seed: int, start: int = 0
) -> torch.Tensor:
    """Forward-noise clean one-hot rows to step t with seeded, batch-independent noise.

    Uses a step index offset of T+1 so it never coincides with sampler noise.
    """
    eps = seeded_noise(seed, schedule.T + 1 + t, start, start + x0.shape[0], tuple(x0.shape[1:]))
    return noise(x0, t, schedule, eps.to(x0.device, x0.dtype))
