"""Training and test sets of an RHM, as the reference draws them from ``seed_sample``.

Without replacement: ``random.seed(seed_sample)``, idx = ``random.sample(range(Pmax),
P + P_test)``, the first P are the training set. With replacement (asked for, or
forced when Pmax ≥ 2^63): :func:`diffgen.rhm.decoding.draw_with_replacement`,
the first P rows train.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from diffgen.rhm.decoding import decode, draw_with_replacement, rows
from diffgen.rhm.rules import Grammar, Tree, forced_replacement


@dataclass
class Sets:
    """Train and test trees; ``indices`` (P + P_test,) when drawn without replacement."""

    train: Tree
    test: Tree
    indices: np.ndarray | None
    replacement: bool


def sample_indices(pmax: int, count: int, seed: int) -> np.ndarray:
    """``random.sample(range(pmax), count)`` after ``random.seed(seed)``, as int64."""
    return np.array(random.Random(seed).sample(range(pmax), count), dtype=np.int64)


def draw_sets(grammar: Grammar, train: int, test: int, seed: int, replacement: bool) -> Sets:
    """The reference's train and test sets (P_test ≤ Pmax − P is the caller's check)."""
    total = train + test
    if forced_replacement(grammar.shape, replacement):
        tree, indices, replaced = draw_with_replacement(grammar, total, seed), None, True
    else:
        indices = sample_indices(grammar.shape.pmax, total, seed)
        tree, replaced = decode(grammar, indices), False
    return Sets(rows(tree, slice(0, train)), rows(tree, slice(train, total)), indices, replaced)
