"""Synthetic image generators: C^α images and smooth discs (gray, [0, 1], (N, 1, L, L)).

Images are drawn in chunks of :data:`CHUNK`, each from its own generator seeded by
(seed, stream, chunk), so rows [start, stop) are random-access and a pool is
prefix-stable (its first N images do not depend on its size).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from diffgen.core.seeding import chunk_seed

CHUNK = 256
#: Width of the disc's smooth edge in pixels (Φ((r - ‖u - c‖) / EDGE)).
EDGE = 0.5


def frequency_weight(L: int, power: float, dims: int) -> np.ndarray:
    """|k|^-power on the integer frequencies of an L (or L×L) FFT, with w(0) = 1."""
    k = np.fft.fftfreq(L) * L
    if dims == 1:
        norm = np.abs(k)
    else:
        norm = np.sqrt(k[:, None] ** 2 + k[None, :] ** 2)
    weight = np.ones_like(norm)
    weight[norm > 0] = norm[norm > 0] ** -power
    return weight


def _minmax(image: np.ndarray, low: float, high: float) -> np.ndarray:
    lo, hi = image.min(), image.max()
    scaled = (image - lo) / (hi - lo) if hi > lo else np.zeros_like(image)
    return low + (high - low) * scaled


def calpha_chunk(rng: np.random.Generator, n: int, L: int, alpha: float, beta: float):
    """n C^α images and their contour rows c_j (spec §1)."""
    u = rng.uniform(-1, 1, size=(n, L))
    v = rng.uniform(-1, 1, size=(n, 2, L, L))
    coin = rng.uniform(size=n)
    a, b = rng.uniform(size=n), rng.uniform(size=n)
    g = np.fft.ifft(np.fft.fft(u, axis=-1) * frequency_weight(L, alpha, 1), axis=-1).real
    c = np.clip(np.round(L * g) + L // 2, 0, L).astype(np.int64)
    regions = np.fft.ifft2(np.fft.fft2(v) * frequency_weight(L, beta, 2)).real
    rows = np.arange(L)[:, None]
    images = np.empty((n, 1, L, L))
    for i in range(n):
        if coin[i] < 0.5:
            b1, b2 = _minmax(regions[i, 0], a[i], 1.0), _minmax(regions[i, 1], 0.0, b[i])
        else:
            b1, b2 = _minmax(regions[i, 0], 0.0, b[i]), _minmax(regions[i, 1], a[i], 1.0)
        mask = (rows >= c[i][None, :]).astype(np.float64)
        padded = np.pad(mask, ((1, 0), (1, 0)), mode="reflect")
        smooth = (padded[1:, 1:] + padded[:-1, 1:] + padded[1:, :-1] + padded[:-1, :-1]) / 4
        images[i, 0] = b1 * smooth + b2 * (1 - smooth)
    return images.astype(np.float32), c


def disc_parameters(rng: np.random.Generator, n: int, L: int) -> np.ndarray:
    """(n, 5) rows (c_row, c_col, r, f, b): r ~ U[3, ⌊(L-3)/2⌋), c ~ U[r, L-r)², f, b ~ U(0,1)."""
    r = rng.uniform(3, (L - 3) // 2, size=n)
    c = rng.uniform(r[:, None], L - r[:, None], size=(n, 2))
    f, b = rng.uniform(size=n), rng.uniform(size=n)
    return np.stack([c[:, 0], c[:, 1], r, f, b], axis=1)


def disc_image(theta: torch.Tensor, L: int) -> torch.Tensor:
    """(…, 1, L, L) smooth discs of parameters (…, 5), differentiable in theta."""
    centres = torch.arange(L, dtype=theta.dtype, device=theta.device) + 0.5
    shape = (*theta.shape[:-1], 1, 1)
    rows = centres.view(L, 1) - theta[..., 0].reshape(shape)
    cols = centres.view(1, L) - theta[..., 1].reshape(shape)
    dist = torch.sqrt(rows**2 + cols**2)
    edge = 0.5 * (1 + torch.erf((theta[..., 2].reshape(shape) - dist) / (EDGE * math.sqrt(2))))
    f, b = theta[..., 3].reshape(shape), theta[..., 4].reshape(shape)
    return (b + (f - b) * edge).unsqueeze(-3)


def disc_tangent(theta: torch.Tensor, L: int) -> torch.Tensor:
    """(L², 5) Jacobian ∂x/∂θ of one disc (float64): its columns span the tangent space T_x."""
    theta = theta.to(torch.float64)
    jac = torch.autograd.functional.jacobian(lambda t: disc_image(t, L).reshape(-1), theta)
    return jac


def tangent_projector(theta: torch.Tensor, L: int) -> torch.Tensor:
    """Orthogonal projector P_T onto the disc's tangent space (rank 5 inside, f ≠ b)."""
    q, _ = torch.linalg.qr(disc_tangent(theta, L))
    return q @ q.T


def disc_chunk(rng: np.random.Generator, n: int, L: int) -> np.ndarray:
    theta = torch.from_numpy(disc_parameters(rng, n, L))
    return disc_image(theta, L).numpy().astype(np.float32)


def _chunks(seed: int, stream: int, start: int, stop: int, draw) -> np.ndarray:
    parts = []
    for chunk in range(start // CHUNK, (stop - 1) // CHUNK + 1):
        block = draw(np.random.default_rng(chunk_seed(seed, stream, chunk)))
        lo, hi = max(start - chunk * CHUNK, 0), min(stop - chunk * CHUNK, CHUNK)
        parts.append(block[lo:hi])
    return np.concatenate(parts)


def generate(kind: dict, L: int, seed: int, stream: int, start: int, stop: int) -> np.ndarray:
    """Rows [start, stop) of the generator ``kind`` ({"name": "calpha", "alpha", "beta"} or
    {"name": "disc"}) on stream ``stream`` (0: the training pool, 1: the test set)."""
    if kind["name"] == "calpha":
        draw = lambda rng: calpha_chunk(rng, CHUNK, L, kind["alpha"], kind["beta"])[0]  # noqa: E731
    else:
        draw = lambda rng: disc_chunk(rng, CHUNK, L)  # noqa: E731
    return _chunks(seed, stream, start, stop, draw)


def disc_rows(L: int, seed: int, stream: int, start: int, stop: int) -> np.ndarray:
    """The (c_row, c_col, r, f, b) parameters of discs [start, stop) of a stream."""
    return _chunks(seed, stream, start, stop, lambda rng: disc_parameters(rng, CHUNK, L))
