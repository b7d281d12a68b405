"""Validity semantics: valid strings, one broken pair, and chance values of uniform leaves."""

import numpy as np
import pytest
from rhm_support import one_thread  # noqa: F401 (autouse fixture)

from diffgen.rhm.parsing import INVALID, Parser, validity
from diffgen.rhm.rules import Shape, sample_rules
from diffgen.rhm.sets import draw_sets

SHAPE = Shape(8, 8, 3, 2, 3)
GRAMMAR = sample_rules(SHAPE, 42)


def test_chance_values_are_the_specs():
    assert SHAPE.chance_validity() == pytest.approx([0.375, 0.052734375, 0.0010428], rel=1e-4)
    root_differs = Shape(v=8, n=2, m=3, s=2, L=2)
    assert root_differs.chance_validity() == pytest.approx([0.375, 0.375**2 * 2 * 3 / 64])


def test_a_valid_string_is_valid_everywhere():
    leaves = draw_sets(GRAMMAR, 50, 0, seed=2, replacement=False).train[-1]
    assert (validity(Parser(GRAMMAR).parse(leaves)) == 1).all()


def test_a_broken_pair_zeroes_exactly_its_ancestors():
    tree = draw_sets(GRAMMAR, 1, 0, seed=3, replacement=False).train
    pairs = {tuple(p) for p in GRAMMAR.rules[-1].reshape(-1, 2)}
    for leaf in range(SHAPE.d):
        leaves = tree[-1].copy()
        mate = leaves[0, leaf ^ 1]
        for symbol in range(SHAPE.v):
            pair = (symbol, mate) if leaf % 2 == 0 else (mate, symbol)
            if pair not in pairs:
                break
        leaves[0, leaf] = symbol
        parse = Parser(GRAMMAR).parse(leaves)
        for level in range(SHAPE.L):
            ancestor = leaf // SHAPE.s ** (SHAPE.L - level)
            broken = parse[level][0] == INVALID
            assert broken[ancestor] and broken.sum() == 1, (leaf, level)
            others = np.delete(np.arange(parse[level].shape[1]), ancestor)
            assert (parse[level][0, others] == tree[level][0, others]).all()
        expected = [1 - 1 / SHAPE.s ** (SHAPE.L - h) for h in range(1, SHAPE.L + 1)]
        assert validity(parse)[0] == pytest.approx(expected)


def test_uniform_leaves_give_the_chance_values():
    count = 200_000
    leaves = np.random.default_rng(7).integers(0, SHAPE.v, (count, SHAPE.d))
    valid = validity(Parser(GRAMMAR).parse(leaves))
    for h, rate in enumerate(SHAPE.chance_validity(), start=1):
        trials = count * SHAPE.s ** (SHAPE.L - h)  # disjoint subtrees are independent
        half_width = 2.576 * np.sqrt(rate * (1 - rate) / trials)
        assert abs(valid[:, h - 1].mean() - rate) < half_width, h
