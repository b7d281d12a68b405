"""Fig A's classifier accuracy: exactly 1 at σ = 0, lower under strong noise."""

from __future__ import annotations

from diffgen.amplify import data as amp_data
from diffgen.amplify.robustness import accuracy_rows


def test_accuracy_one_without_noise():
    spec = dict(source="digits", mnist_path=None, split="train", classes=[0, 1, 2], rho=0.7,
                class_size=40, no_digit=False, resolution=8, seed=0)  # fmt: skip
    d = amp_data.build(spec)
    rows = accuracy_rows(d, [0.0, 0.48], seed=1)
    clean = [r for r in rows if r["sigma"] == 0.0]
    assert len(clean) == 6 and all(r["accuracy"] == 1.0 for r in clean)
    assert sum(r["n"] for r in clean) == 120
    assert all(0 <= r["accuracy"] <= 1 for r in rows)
