"""Colour-biased digits: each class's images get their class colour with probability ρ.

Per class c (in the order of ``classes``), one numpy Generator(seed) shuffles the
class's indices, the first ``class_size`` are kept (all if None), the first ⌊n·ρ⌋
get colour c and the rest consecutive chunks of ⌈(n − ⌊nρ⌋)/(K − 1)⌉, chunk k the
colour o_k of a random permutation (o_k) of the other classes. The digit stays
white on a coloured background (``no_digit``: every pixel coloured). Digits
(8×8) are nearest-upsampled by resolution/8; MNIST (28×28) is coloured at its
native size, then resized to 32 (bilinear, antialiased), as the reference does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from diffgen.amplify.colours import COLOUR_MAP
from diffgen.core import hdf5, identity
from diffgen.core.errors import ConfigError, InputFileError
from diffgen.core.seeding import config_hash

KIND = "amplify_data"
MNIST_SIZE = 32


@dataclass
class BiasedDigits:
    """uint8 images (N, 3, H, W), digit class and bias colour index per image."""

    images: np.ndarray
    classes: np.ndarray
    biases: np.ndarray

    def effective_rho(self) -> float:
        return float(np.mean(self.classes == self.biases))


def load_source(spec: dict) -> tuple[np.ndarray, np.ndarray]:
    """(grayscale images (N, h, w) with 0 = background, labels) of the spec's source."""
    if spec["source"] == "digits":
        from sklearn.datasets import load_digits

        bunch = load_digits()
        return bunch.images.astype(np.uint8), bunch.target.astype(np.int64)
    if spec.get("mnist_path") is None:
        raise ConfigError("amplify.data.mnist_path: required when data.source is 'mnist'")
    from diffgen.amplify.idx import load_mnist

    return load_mnist(spec["mnist_path"], spec["split"])


def assign(labels: np.ndarray, classes: list[int], rho: float, class_size, seed: int):
    """(rows kept, their class, their bias) following the module docstring's draw order."""
    rng = np.random.default_rng(seed)
    n_conf = len(classes) - 1
    rows, cls, bias = [], [], []
    for c in classes:
        index = np.flatnonzero(labels == c)
        rng.shuffle(index)
        if class_size is not None:  # more than the class holds keeps all (fig 3's 6,332)
            index = index[:class_size]
        n = index.size
        aligned = int(n * rho)
        colour = np.full(n, c, dtype=np.int64)
        others = rng.permutation([o for o in classes if o != c])
        if n_conf and n > aligned:
            chunk = -(-(n - aligned) // n_conf)
            for k, other in enumerate(others):
                colour[aligned + k * chunk : aligned + (k + 1) * chunk] = other
        rows.append(index)
        cls.append(np.full(n, c, dtype=np.int64))
        bias.append(colour)
    return np.concatenate(rows), np.concatenate(cls), np.concatenate(bias)


def colourise(gray: np.ndarray, bias: np.ndarray, no_digit: bool) -> np.ndarray:
    """(N, h, w) grayscale -> (N, 3, h, w) uint8: digit white, background its colour."""
    colours = COLOUR_MAP[bias][:, :, None, None]
    white = np.full_like(colours, 255)
    digit = (gray > 0)[:, None] & (not no_digit)
    return np.where(digit, white, colours).astype(np.uint8)


def resize(images: np.ndarray, spec: dict) -> np.ndarray:
    """Digits: nearest upsampling by resolution/8; MNIST: antialiased bilinear to 32."""
    if spec["source"] == "digits":
        factor = spec["resolution"] // 8
        return images.repeat(factor, axis=2).repeat(factor, axis=3) if factor > 1 else images
    x = torch.from_numpy(images).float()
    x = F.interpolate(x, size=(MNIST_SIZE, MNIST_SIZE), mode="bilinear", align_corners=False,
                      antialias=True)  # fmt: skip
    return x.round().clamp(0, 255).to(torch.uint8).numpy()


def check_spec(spec: dict) -> None:
    classes = spec["classes"]
    if len(set(classes)) != len(classes) or len(classes) < 2:
        raise ConfigError("amplify.data.classes: at least two distinct digits")
    if spec["source"] == "digits" and spec["resolution"] % 8:
        raise ConfigError("amplify.data.resolution: a multiple of 8 for the digits source")


def build(spec: dict) -> BiasedDigits:
    """The colour-biased set of ``spec`` (source, mnist_path, split, classes, rho,
    class_size, no_digit, resolution, seed)."""
    check_spec(spec)
    gray, labels = load_source(spec)
    rows, cls, bias = assign(labels, spec["classes"], spec["rho"], spec["class_size"],
                             spec["seed"])  # fmt: skip
    images = resize(colourise(gray[rows], bias, spec["no_digit"]), spec)
    return BiasedDigits(images, cls, bias)


def to_model(images: np.ndarray | torch.Tensor) -> torch.Tensor:
    """uint8 -> float in [−1, 1] (x/127.5 − 1)."""
    return torch.as_tensor(images).float() / 127.5 - 1.0


def save(data: BiasedDigits, path, spec: dict) -> None:
    arrays = {"images": data.images, "classes": data.classes, "biases": data.biases}
    provenance = {"spec": spec, "config_hash": config_hash(spec)}
    hdf5.write(path, KIND, arrays, provenance, attrs={"effective_rho": data.effective_rho()},
               identity=identity.record("amplify", "data", spec))  # fmt: skip


def load(path, name: str | None = None) -> tuple[BiasedDigits, dict]:
    """The set (named ``name`` by its identity record, when given) and its provenance;
    one line naming the file when it is not the one expected."""
    identity.expect(path, "amplify", "data", **({} if name is None else {"name": name}))
    with hdf5.open_file(path, KIND) as f:
        data = BiasedDigits(f.array("images"), f.array("classes"), f.array("biases"))
        provenance = f.provenance()
    if data.images.ndim != 4 or data.images.shape[1] != 3 or len(data.classes) != len(data.images):
        raise InputFileError(f"{path}: malformed amplify data file")
    return data, provenance
