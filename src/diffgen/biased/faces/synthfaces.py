"""Synthetic faces: the offline stand-in for CelebA (seeded, prefix-stable, 32 px gray).

Each image shares a coarse layout that a model learns without memorising
(a face ellipse, a hair cap, dark eyes and mouth, side lighting) and fine
texture that only memorisation fits: the mechanism the paper studies.

Per image, drawn at 32×32 (pixel centres at 0.5, 1.5, ...; x across, y down):

* background tone U(.1, .5);
* a soft ellipse face: centre (16, 17) + N(0, 1.5²) per coordinate, semi-axes
  a ~ U(8, 11) across and U(1.15, 1.35)·a down, tone U(.45, .85);
* a hair cap of tone U(.05, .6): a slightly larger ellipse above the hairline
  (0.45 of the face height above the centre), drawn over the face;
* Gaussian dips for two eyes and a mouth, depths U(.1, .35) (one for the eyes,
  one for the mouth);
* an illumination ramp across, amplitude U(0, .15) with a random sign;
* 1/|f|² Gaussian texture (white noise filtered by 1/|f|, standardised), std U(.02, .06);
* clipped to [0, 1]; average-pooled to sizes that divide 32.

Images come in chunks of 1024 drawn from their own generator, seeded by
(seed, stream, chunk): image i depends on nothing but (seed, stream, i), so a
larger pool extends a smaller one. Stream 0 is the training pool, stream 1 the
held-out images.
"""

from __future__ import annotations

import numpy as np
import torch

from diffgen.images.transforms import average_pool

CHUNK = 1024
DRAW_SIZE = 32
TRAIN_STREAM, TEST_STREAM = 0, 1
#: Width (pixels) of the soft edges of the face and hair.
EDGE = 0.75
HAIRLINE = 0.45  # of the face's vertical semi-axis, above its centre


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _ellipse(x, y, cx, cy, a, b) -> np.ndarray:
    """Soft inside-mask of ellipses (one per row of the parameters) on the pixel grid."""
    rho = np.sqrt(((x - cx) / a) ** 2 + ((y - cy) / b) ** 2)
    return _sigmoid((1.0 - rho) * a / EDGE)


def _gaussian(x, y, cx, cy, sx, sy) -> np.ndarray:
    return np.exp(-0.5 * (((x - cx) / sx) ** 2 + ((y - cy) / sy) ** 2))


def _texture(white: np.ndarray) -> np.ndarray:
    """White noise (N, H, W) filtered to a 1/|f|² power spectrum, unit std per image."""
    size = white.shape[-1]
    f = np.fft.fftfreq(size) * size
    radius = np.sqrt(f[:, None] ** 2 + f[None, :] ** 2)
    gain = np.divide(1.0, radius, out=np.zeros_like(radius), where=radius > 0)
    field = np.fft.ifft2(np.fft.fft2(white) * gain).real
    return field / field.std(axis=(1, 2), keepdims=True)


def draw_chunk(seed: int, stream: int, chunk: int) -> np.ndarray:
    """The 1024 images (1024, 32, 32) float64 of one chunk."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, stream, chunk])))
    n = CHUNK

    def column(values: np.ndarray) -> np.ndarray:
        return values[:, None, None]

    cx = column(16.0 + 1.5 * rng.standard_normal(n))
    cy = column(17.0 + 1.5 * rng.standard_normal(n))
    a = column(rng.uniform(8.0, 11.0, n))
    b = a * column(rng.uniform(1.15, 1.35, n))
    face_tone = column(rng.uniform(0.45, 0.85, n))
    background = column(rng.uniform(0.1, 0.5, n))
    hair_tone = column(rng.uniform(0.05, 0.6, n))
    eye_depth = column(rng.uniform(0.1, 0.35, n))
    mouth_depth = column(rng.uniform(0.1, 0.35, n))
    ramp = column(rng.uniform(0.0, 0.15, n) * rng.choice([-1.0, 1.0], n))
    texture_std = column(rng.uniform(0.02, 0.06, n))
    white = rng.standard_normal((n, DRAW_SIZE, DRAW_SIZE))

    centres = np.arange(DRAW_SIZE) + 0.5
    x, y = centres[None, None, :], centres[None, :, None]
    face = _ellipse(x, y, cx, cy, a, b)
    hairline = cy - HAIRLINE * b
    hair = _ellipse(x, y, cx, cy - 0.08 * b, 1.12 * a, 1.08 * b) * _sigmoid((hairline - y) / EDGE)
    image = background * (1.0 - face) + face_tone * face
    image = image * (1.0 - hair) + hair_tone * hair
    eye_y, eye_s = cy - 0.12 * b, 0.11 * a
    eyes = _gaussian(x, y, cx - 0.38 * a, eye_y, eye_s, eye_s)
    eyes = eyes + _gaussian(x, y, cx + 0.38 * a, eye_y, eye_s, eye_s)
    mouth = _gaussian(x, y, cx, cy + 0.45 * b, 0.25 * a, 0.07 * b)
    image = image - (eye_depth * eyes + mouth_depth * mouth) * face
    image = image + ramp * (x - DRAW_SIZE / 2) / (DRAW_SIZE / 2)
    image = image + texture_std * _texture(white)
    return np.clip(image, 0.0, 1.0)


def generate(seed: int, stream: int, start: int, stop: int, size: int = DRAW_SIZE) -> np.ndarray:
    """Images [start, stop) of a stream as (N, 1, size, size) float32 in [0, 1]."""
    if DRAW_SIZE % size:
        raise ValueError(f"synthetic faces come in sizes that divide {DRAW_SIZE}, not {size}")
    if stop <= start:
        return np.zeros((0, 1, size, size), dtype=np.float32)
    parts = []
    for chunk in range(start // CHUNK, (stop - 1) // CHUNK + 1):
        lo = max(start - chunk * CHUNK, 0)
        hi = min(stop - chunk * CHUNK, CHUNK)
        parts.append(draw_chunk(seed, stream, chunk)[lo:hi])
    images = torch.from_numpy(np.concatenate(parts)[:, None].astype(np.float32))
    return average_pool(images, DRAW_SIZE // size).numpy()
