"""Fig A: the bias classifier's accuracy on training images plus Gaussian noise σ.

Per σ, class and alignment (aligned: colour = class colour), the share of noisy
images whose predicted colour equals their true one; noise from a seeded
fix-noise bank shared by every σ.
"""

from __future__ import annotations

import numpy as np

from diffgen.amplify.classifier import classify
from diffgen.amplify.data import BiasedDigits, to_model
from diffgen.core.seeding import seeded_noise


def accuracy_rows(data: BiasedDigits, sigmas: list[float], seed: int,
                  allowed: list[int] | None = None) -> list[dict]:  # fmt: skip
    x = to_model(data.images)
    noise = seeded_noise(seed, 0, 0, len(x), tuple(x.shape[1:]))
    aligned = data.classes == data.biases
    rows = []
    for sigma in sigmas:
        correct = classify(x + sigma * noise, allowed=allowed).numpy() == data.biases
        for c in np.unique(data.classes):
            for flag in (True, False):
                mask = (data.classes == c) & (aligned == flag)
                if mask.any():
                    rows.append({"sigma": sigma, "class": int(c), "aligned": flag,
                                 "n": int(mask.sum()),
                                 "accuracy": float(correct[mask].mean())})  # fmt: skip
    return rows
