"""Reverse D3PM chains for any denoiser, batched, with fix-noise draws.

Every categorical draw is an inverse-CDF draw from uniforms that depend only
on (seed, step, row), as in study 1: the same x_T, forward noise and reverse
draws for every model, checkpoint, device and batch size, so checkpoints (and
the model and BP) are compared on one noise path. Step indices: x_T uses
INITIAL_STEP, reverse step i uses i (1..T), forward noising to t uses T + 1 + t.

The chain outputs the state at index 0 (no argmax): x_0 ~ f(x_1, 1, y), whose
ᾱ_0 = 1 − β_0 < 1 still resamples a token now and then, as in the reference.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from diffgen.core.denoisers import Denoiser
from diffgen.core.diffusion.d3pm import UniformSchedule, noise_tokens, reverse_step
from diffgen.core.progress import Progress
from diffgen.core.seeding import INITIAL_STEP, seeded_uniform


def initial_tokens(seed: int, count: int, d: int, v: int, start: int = 0) -> torch.Tensor:
    """x_T: uniform tokens (count, d) for rows [start, start + count)."""
    u = seeded_uniform(seed, INITIAL_STEP, start, start + count, (d,))
    return (u * v).long().clamp_(max=v - 1)


def forward_noise(
    x0: torch.Tensor, t: int, schedule: UniformSchedule, v: int, seed: int, start: int = 0
) -> torch.Tensor:
    """x_t ~ q(· | x_0) for tokens (N, d), rows numbered from ``start``."""
    u = seeded_uniform(seed, schedule.T + 1 + t, start, start + x0.shape[0], tuple(x0.shape[1:]))
    return noise_tokens(x0.cpu(), schedule.alpha_bar(t), v, u.double())


@torch.no_grad()
def reverse_chain(
    denoiser: Denoiser,
    x_start: torch.Tensor,
    t_start: int,
    schedule: UniformSchedule,
    v: int,
    seed: int,
    batch_size: int = 8192,
    device: str | torch.device = "cpu",
    label: str = "sampling",
) -> torch.Tensor:
    """x_{t_start} (N, d) tokens → x_0 tokens (N, d) on the CPU."""
    if not 1 <= t_start <= schedule.T:
        raise ValueError(f"t_start must lie in 1..{schedule.T}, got {t_start}")
    n, d = x_start.shape
    out = []
    progress = Progress(label, n * t_start, unit="row-steps")
    done = 0
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        x = x_start[start:stop].to(device)
        for i in range(t_start, 0, -1):
            steps = torch.full((stop - start,), i, dtype=torch.long, device=device)
            y = denoiser.log_probs(F.one_hot(x, v).float(), steps).double().exp()
            u = seeded_uniform(seed, i, start, stop, (d,)).to(device, torch.float64)
            x = reverse_step(x, i, y, schedule, u)
            done += stop - start
            progress.update(done)
        out.append(x.cpu())
    return torch.cat(out) if out else x_start.clone()
