"""The DDPM sampler of ε-predictors, with the project's fix-noise construction.

x_T and every step's z are drawn by :mod:`diffgen.core.seeding` from one seed:
row i of step k depends only on (seed, k, i), never on the batch size, device or
model. Every model and checkpoint sampled with the same seed therefore starts
from the same x_T and sees the same noise path, which is what makes their
samples comparable one by one.

Several models can be sampled in lockstep (:func:`sample`): each step's noise
is drawn once and used by all of them.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from diffgen.core.progress import Progress
from diffgen.core.seeding import initial_noise, seeded_noise
from diffgen.images.ddpm import EpsDDPM, EpsFunction


def shared_initial_noise(seed: int, count: int, shape: tuple[int, ...]) -> torch.Tensor:
    """x_T of ``count`` samples: the same rows for every model sampled with ``seed``."""
    return initial_noise(seed, count, shape)


@torch.no_grad()
def sample(
    eps_fns: Sequence[EpsFunction],
    x_T: torch.Tensor,
    ddpm: EpsDDPM,
    seed: int,
    batch_size: int = 512,
    device: str | torch.device = "cpu",
    label: str = "sampling",
) -> list[torch.Tensor]:
    """Run k = T−1..0 from ``x_T`` (N, C, H, W) for every ε-function; samples on the CPU.

    Rows are processed in batches of ``batch_size``; row i's noise is row i of
    each step whatever the batching, so the result does not depend on it.
    """
    device = torch.device(device)
    n, shape = x_T.shape[0], tuple(x_T.shape[1:])
    outputs = [torch.empty_like(x_T, dtype=torch.float32) for _ in eps_fns]
    progress = Progress(label, n * ddpm.T * len(eps_fns), unit="image-steps")
    done = 0
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        rows = stop - start
        states = [x_T[start:stop].to(device, torch.float32) for _ in eps_fns]
        for k in range(ddpm.T - 1, -1, -1):
            z = seeded_noise(seed, k, start, stop, shape).to(device) if k > 1 else None
            steps = torch.full((rows,), k, dtype=torch.long, device=device)
            for i, eps_fn in enumerate(eps_fns):
                states[i] = ddpm.reverse_step(states[i], eps_fn(states[i], steps).float(), k, z)
            done += rows * len(eps_fns)
            progress.update(done)
        for out, state in zip(outputs, states, strict=True):
            out[start:stop] = state.cpu()
    return outputs
