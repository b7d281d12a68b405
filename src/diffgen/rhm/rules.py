"""The rules of a Random Hierarchy Model, drawn exactly as the reference draws them.

An RHM has n classes at the root, v symbols below it, L levels and branching s:
every symbol of level l (a class at l = 0) has m "synonymous" productions, each
an s-tuple of level-(l+1) symbols. Tuples are distinct within a level, so a
string has one parse and every string is equally likely (1/Pmax).

The draw is the reference's, so a seed gives the reference's grammar:
``random.seed(seed_rules)``, then R_0 = ``random.sample(tuples, n·m)`` and
R_l = ``random.sample(tuples, v·m)`` for l = 1..L−1 from the same stream, with
``tuples`` = ``itertools.product(range(v), repeat=s)`` in its natural order.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from diffgen.core.errors import InputFileError

#: A batch of trees: ``levels[l]`` (N, s^l) symbols, l = 0 (the class) .. L (the leaves).
Tree = list[np.ndarray]

#: A grammar's name in paths and tables.
NAME = re.compile(r"v(?P<v>\d+)n(?P<n>\d+)m(?P<m>\d+)s(?P<s>\d+)L(?P<L>\d+)")

#: Without-replacement index sampling needs Pmax below this (int64 indices).
INT64_LIMIT = 2**63


def forced_replacement(pmax: int | Shape, replacement: bool) -> bool:
    """Strings are drawn with replacement when asked, or when indices would not fit in int64.

    Given a Shape, Pmax is compared in log space first, so an astronomically large
    grammar never has its exact string count computed.
    """
    if replacement:
        return True
    if isinstance(pmax, Shape):
        if pmax.log2_pmax > 64:
            return True
        pmax = pmax.pmax
    return pmax >= INT64_LIMIT


def pmax_text(shape: Shape) -> str:
    """'Pmax 17,496', or 'Pmax ≈ 2^12345' where the exact count is not worth computing."""
    if shape.log2_pmax > 64:
        return f"Pmax ≈ 2^{shape.log2_pmax:,.0f}"
    return f"Pmax {shape.pmax:,}"


@dataclass(frozen=True)
class Shape:
    """(v, n, m, s, L): vocabulary, classes, synonyms, branching, levels."""

    v: int
    n: int
    m: int
    s: int
    L: int

    @property
    def d(self) -> int:
        """Leaves per string: s^L."""
        return self.s**self.L

    @property
    def pmax(self) -> int:
        """Number of distinct strings: n·m^((s^L − 1)/(s − 1)) (a Python int, may be huge)."""
        return self.n * self.m**self.internal_nodes

    @property
    def log2_pmax(self) -> float:
        """log2 of :attr:`pmax`, without computing it (cheap for any shape)."""
        return math.log2(self.n) + self.internal_nodes * math.log2(self.m)

    @property
    def nodes(self) -> int:
        """Nodes of one tree, levels 0..L: (s^(L+1) − 1)/(s − 1)."""
        return self.internal_nodes + self.d

    @property
    def internal_nodes(self) -> int:
        """Nodes with a production (levels 0..L−1): (s^L − 1)/(s − 1)."""
        return sum(self.s**level for level in range(self.L))

    def symbols(self, level: int) -> int:
        """Alphabet size at ``level``: n at the root, v below."""
        return self.n if level == 0 else self.v

    def chance_validity(self) -> list[float]:
        """valid_h of uniform random leaves, h = 1..L: r_1 = q, r_h = r_{h−1}^s·q.

        q = v·m/v^s (n·m/v^s at the root) is the share of s-tuples that are a
        production; a valid subtree's symbol is uniform (every symbol has as many
        derivations), so each level multiplies in q again.
        """
        rates, previous = [], 1.0
        for h in range(1, self.L + 1):
            q = self.symbols(self.L - h) * self.m / self.v**self.s
            previous = previous**self.s * q
            rates.append(previous)
        return rates

    def name(self) -> str:
        """Short name used in paths and tables, e.g. v8n8m3s2L3."""
        return f"v{self.v}n{self.n}m{self.m}s{self.s}L{self.L}"

    @classmethod
    def from_name(cls, name: str) -> Shape:
        """The shape a :meth:`name` spells (a ValueError for anything else)."""
        match = NAME.fullmatch(name)
        if match is None:
            raise ValueError(f"'{name}' is not a grammar name like v8n8m3s2L3")
        return cls(**{key: int(value) for key, value in match.groupdict().items()})


@dataclass(frozen=True)
class Grammar:
    """A shape with its rules: ``rules[l]`` is (symbols(l), m, s) int64, level l → l+1."""

    shape: Shape
    rules: tuple[np.ndarray, ...]

    def __post_init__(self) -> None:
        sh = self.shape
        if len(self.rules) != sh.L:
            raise ValueError(f"{len(self.rules)} rule levels for L={sh.L}")
        for level, table in enumerate(self.rules):
            if table.shape != (sh.symbols(level), sh.m, sh.s):
                raise ValueError(f"rules[{level}] has shape {table.shape}")


def sample_rules(shape: Shape, seed: int) -> Grammar:
    """The reference's rules for ``shape`` and ``seed`` (Python's ``random``)."""
    v, n, m, s, L = shape.v, shape.n, shape.m, shape.s, shape.L
    rng = random.Random(seed)
    tuples = list(itertools.product(range(v), repeat=s))
    levels = [np.array(rng.sample(tuples, n * m), dtype=np.int64).reshape(n, m, s)]
    for _ in range(1, L):
        levels.append(np.array(rng.sample(tuples, v * m), dtype=np.int64).reshape(v, m, s))
    return Grammar(shape, tuple(levels))


def load_reference_rules(path: str | Path) -> Grammar:
    """Rules saved by the reference (``torch.save`` of {level: (·, m, s) tensor}).

    Read with ``weights_only=True``. The shape is the file's: n, m, s from level
    0, L from the number of levels, v from level 1 (from the largest symbol if
    L = 1). A file that does not hold such rules, or repeats a tuple within a
    level, is one line naming it.
    """
    import torch

    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: reference rules file does not exist")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        levels = [np.asarray(payload[level], dtype=np.int64) for level in range(len(payload))]
        n, m, s = levels[0].shape
        v = levels[1].shape[0] if len(levels) > 1 else int(levels[0].max()) + 1
        shape = Shape(v=v, n=n, m=m, s=s, L=len(levels))
        grammar = Grammar(shape, tuple(levels))
    except Exception as err:  # torch, indexing and unpacking raise many types for a foreign file
        raise InputFileError(f"{path}: not a reference rules file ({type(err).__name__})") from None
    for level, table in enumerate(levels):
        if table.min() < 0 or table.max() >= v:
            raise InputFileError(f"{path}: rules level {level} has symbols outside 0..{v - 1}")
        if len({tuple(row) for row in table.reshape(-1, s)}) != table.shape[0] * m:
            raise InputFileError(f"{path}: rules level {level} repeats a tuple")
    return grammar


def grammar_for(shape: Shape, seed_rules: int, rules_path: str = "") -> tuple[Grammar, str]:
    """(rules, source): the reference file's if it has this shape ("file"), else those
    drawn from ``seed_rules`` ("seed")."""
    if rules_path:
        imported = load_reference_rules(rules_path)
        if imported.shape == shape:
            return imported, "file"
    return sample_rules(shape, seed_rules), "seed"
