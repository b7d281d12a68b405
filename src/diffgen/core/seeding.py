"""Seeds and identities: fix-noise draws that do not depend on batching, stable hashes.

Every random draw of a job comes from a seed in its spec. Noise that must be the
same across models, checkpoints, devices and batch sizes (the fix-noise paths of
the samplers, shared initial noise, evaluation noise) is drawn here: row i of
step s is a pure function of (seed, s, i).
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import torch

#: Rows per independently seeded noise chunk (fixed: part of the noise definition).
NOISE_CHUNK = 1024

#: Reserved step indices of :func:`seeded_noise` (samplers use 0..T).
INITIAL_STEP = -1
EVALUATION_STEP = -2


def config_hash(payload: object) -> str:
    """Short stable hash of a JSON-serialisable value (dict keys sorted)."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def array_digest(*arrays: np.ndarray | torch.Tensor) -> str:
    """Hash of arrays' dtypes, shapes and bytes: the identity of a job's data."""
    digest = hashlib.sha256()
    for array in arrays:
        value = array.detach().cpu().numpy() if torch.is_tensor(array) else np.asarray(array)
        value = np.ascontiguousarray(value)
        digest.update(f"{value.dtype.str}{value.shape}".encode())
        digest.update(value.tobytes())
    return digest.hexdigest()[:16]


def chunk_seed(seed: int, step: int, chunk: int) -> int:
    """A 63-bit seed for (seed, step, chunk); a fixed mixing function, not Python's hash."""
    value = (seed * 1_000_003 + step) * 1_000_033 + chunk
    value ^= value >> 29
    value = (value * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    value ^= value >> 32
    return value & 0x7FFFFFFFFFFFFFFF


def _seeded_chunks(seed: int, step: int, start: int, stop: int, draw) -> torch.Tensor:
    parts = []
    first, last = start // NOISE_CHUNK, (stop - 1) // NOISE_CHUNK
    gen = torch.Generator(device="cpu")
    for chunk in range(first, last + 1):
        gen.manual_seed(chunk_seed(seed, step, chunk))
        block = draw(gen)
        lo = max(start - chunk * NOISE_CHUNK, 0)
        hi = min(stop - chunk * NOISE_CHUNK, NOISE_CHUNK)
        parts.append(block[lo:hi])
    return torch.cat(parts)


def seeded_noise(
    seed: int, step: int, start: int, stop: int, shape: tuple[int, ...]
) -> torch.Tensor:
    """Standard normal noise for rows [start, stop) of step ``step``, on the CPU.

    Row i's values depend only on (seed, step, i): each chunk of NOISE_CHUNK rows
    has its own generator, and partial chunks are sliced from the full chunk.
    """
    if stop <= start:
        return torch.zeros((0, *shape))
    return _seeded_chunks(
        seed, step, start, stop, lambda gen: torch.randn((NOISE_CHUNK, *shape), generator=gen)
    )


def seeded_uniform(
    seed: int, step: int, start: int, stop: int, shape: tuple[int, ...]
) -> torch.Tensor:
    """Uniform [0, 1) draws with the same row-wise construction as :func:`seeded_noise`.

    Discrete samplers turn these into categorical draws (inverse CDF), so their
    paths are batch-independent too.
    """
    if stop <= start:
        return torch.zeros((0, *shape))
    return _seeded_chunks(
        seed, step, start, stop, lambda gen: torch.rand((NOISE_CHUNK, *shape), generator=gen)
    )


def initial_noise(seed: int, n: int, shape: tuple[int, ...]) -> torch.Tensor:
    """x_T for n rows (the step index INITIAL_STEP is reserved for it)."""
    return seeded_noise(seed, INITIAL_STEP, 0, n, shape)
