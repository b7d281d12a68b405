"""HDF5 files of study 5: RHM datasets (train and test trees) and string sets.

Layout of a dataset (kind ``rhm_dataset``)::

    /rules/level{l}   (symbols(l), m, s) int64    the grammar, l = 0..L−1
    /train/level{l}   (P, s^l) int16              every level of every tree,
    /test/level{l}    (P_test, s^l) int16         l = 0 (class) .. L (leaves)
    /indices          (P + P_test,) int64         string indices (without replacement)

A string set (kind ``rhm_strings``, the forward–backward starts) has /rules
and /strings/level{l}. Root attributes: v, n, m, s, L, the seeds, whether the
sets were drawn with replacement, and a provenance record. Equal inputs give
byte-identical files; a bad file is one line naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from diffgen.core import hdf5
from diffgen.core.errors import InputFileError
from diffgen.rhm.rules import Grammar, Shape, Tree

DATASET, STRINGS = "rhm_dataset", "rhm_strings"
SHAPE_KEYS = ("v", "n", "m", "s", "L")


@dataclass
class Dataset:
    grammar: Grammar
    train: Tree
    test: Tree
    indices: np.ndarray | None
    replacement: bool


def _tree_arrays(prefix: str, tree: Tree) -> dict[str, np.ndarray]:
    return {f"{prefix}/level{l}": level.astype(np.int16) for l, level in enumerate(tree)}


def _rule_arrays(grammar: Grammar) -> dict[str, np.ndarray]:
    return {f"rules/level{l}": table for l, table in enumerate(grammar.rules)}


def _shape_attrs(grammar: Grammar) -> dict:
    return {key: getattr(grammar.shape, key) for key in SHAPE_KEYS}


def save_dataset(
    path: str | Path, data: Dataset, provenance: dict, attrs: dict, identity: dict | None = None
) -> None:
    arrays = {**_rule_arrays(data.grammar), **_tree_arrays("train", data.train),
              **_tree_arrays("test", data.test)}  # fmt: skip
    if data.indices is not None:
        arrays["indices"] = data.indices.astype(np.int64)
    attrs = {**_shape_attrs(data.grammar), **attrs, "replacement": data.replacement}
    hdf5.write(path, DATASET, arrays, provenance, attrs, identity)


def save_strings(
    path: str | Path,
    grammar: Grammar,
    tree: Tree,
    provenance: dict,
    attrs: dict,
    identity: dict | None = None,
):
    arrays = {**_rule_arrays(grammar), **_tree_arrays("strings", tree)}
    hdf5.write(path, STRINGS, arrays, provenance, {**_shape_attrs(grammar), **attrs}, identity)


def _grammar(f: hdf5.Reader) -> Grammar:
    try:
        shape = Shape(**{key: int(f.attrs[key]) for key in SHAPE_KEYS})
    except KeyError as err:
        raise InputFileError(f"{f.path}: {f.kind} file lacks attribute {err}") from None
    rules = tuple(f.array(f"rules/level{l}").astype(np.int64) for l in range(shape.L))
    try:
        return Grammar(shape, rules)
    except ValueError as err:
        raise InputFileError(f"{f.path}: inconsistent rules ({err})") from None


def _tree(f: hdf5.Reader, prefix: str, shape: Shape) -> Tree:
    tree = [f.array(f"{prefix}/level{l}").astype(np.int64) for l in range(shape.L + 1)]
    rows = tree[0].shape[0]
    for level, values in enumerate(tree):
        if values.shape != (rows, shape.s**level):
            raise InputFileError(
                f"{f.path}: {prefix}/level{level} is not ({rows}, {shape.s**level})"
            )
    return tree


def load_dataset(path: str | Path) -> Dataset:
    with hdf5.open_file(path, DATASET) as f:
        grammar = _grammar(f)
        train, test = _tree(f, "train", grammar.shape), _tree(f, "test", grammar.shape)
        replacement = bool(f.attrs.get("replacement", False))
        indices = None if replacement else f.array("indices")
    return Dataset(grammar, train, test, indices, replacement)


def load_strings(path: str | Path, count: int | None = None) -> tuple[Grammar, Tree]:
    """A string set's grammar and trees (the first ``count`` strings; fewer is an error)."""
    with hdf5.open_file(path, STRINGS) as f:
        grammar = _grammar(f)
        tree = _tree(f, "strings", grammar.shape)
    if count is None:
        return grammar, tree
    if len(tree[-1]) < count:
        raise InputFileError(f"{path}: holds {len(tree[-1])} strings, {count} needed")
    return grammar, [level[:count] for level in tree]
