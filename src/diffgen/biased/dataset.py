"""Grammar datasets in HDF5: generation, import of reference files, splits.

Layout of a dataset file::

    /grammar/M                (q, q, q) float64 transition tensor
    /grammar/forbidden_pairs  (k, 2) int64 (left, right) pairs no parent emits
    /train/sequences          (N, 2**l) int8 training pool, split i of size n
    /train/roots              (N,) int8                     is rows [i*n, (i+1)*n)
    /test/sequences           (N_test, 2**l) int8 held-out pool
    /test/roots               (N_test,) int8

Root attributes hold the grammar parameters and a provenance record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from diffgen.biased.grammar import Grammar, build_grammar, sample_pool
from diffgen.core import hdf5
from diffgen.core.checks import Name, check_fits
from diffgen.core.errors import ConfigError, InputFileError

FORMAT_VERSION = 1
KIND = "grammar_dataset"
POOLS = ("train/sequences", "train/roots", "test/sequences", "test/roots")


@dataclass
class GrammarDataset:
    """An in-memory dataset: the grammar and its training and test pools."""

    grammar: Grammar
    train_sequences: np.ndarray
    train_roots: np.ndarray
    test_sequences: np.ndarray
    test_roots: np.ndarray

    def split(self, index: int, size: int) -> np.ndarray:
        """Training split ``index`` of ``size`` sequences: rows [index*size, (index+1)*size)."""
        start, stop = index * size, (index + 1) * size
        if index < 0 or stop > len(self.train_sequences):
            raise ConfigError(
                f"training split {index} of size {size} needs {stop} sequences but the pool "
                f"holds {len(self.train_sequences)} (raise data.n_sequences)"
            )
        return self.train_sequences[start:stop]

    def test_set(self, size: int, offset: int = 0) -> np.ndarray:
        """``size`` held-out sequences starting at ``offset`` in the test pool."""
        if offset + size > len(self.test_sequences):
            raise ConfigError(
                f"{offset + size} test sequences requested but the test pool holds "
                f"{len(self.test_sequences)} (raise data.n_test)"
            )
        return self.test_sequences[offset : offset + size]


def generate(
    q: int,
    l: int,
    sigma: float,
    q_eff: int,
    grammar_seed: int,
    n_train: int,
    n_test: int,
    data_seed: int,
) -> GrammarDataset:
    """Build the grammar and draw the training and test pools (deterministic)."""
    grammar = build_grammar(q, l, sigma, q_eff, grammar_seed)
    train, train_roots = sample_pool(grammar, n_train, data_seed, stream=0)
    test, test_roots = sample_pool(grammar, n_test, data_seed, stream=1)
    return GrammarDataset(grammar, train, train_roots, test, test_roots)


def save(
    dataset: GrammarDataset, path: str | Path, provenance: dict, identity: dict | None = None
) -> None:
    """Write the dataset atomically; equal inputs give byte-identical files."""
    g = dataset.grammar
    attrs = {"format_version": FORMAT_VERSION, "q": g.q, "l": g.l, "q_eff": g.q_eff,
             "seed": g.seed, "sigma": g.sigma}  # fmt: skip
    arrays = {
        "grammar/M": g.M,
        "grammar/forbidden_pairs": g.forbidden_pairs,
        "train/sequences": dataset.train_sequences.astype(np.int8),
        "train/roots": dataset.train_roots.astype(np.int8),
        "test/sequences": dataset.test_sequences.astype(np.int8),
        "test/roots": dataset.test_roots.astype(np.int8),
    }
    hdf5.write(path, KIND, arrays, provenance, attrs, identity)


def load(path: str | Path, with_pools: bool = True) -> GrammarDataset:
    """Read a dataset written by :func:`save`; a clear error names a bad file."""
    with hdf5.open_file(path, KIND) as f:
        attrs = f.attrs
        try:
            grammar = Grammar(
                q=int(attrs["q"]), l=int(attrs["l"]), sigma=float(attrs["sigma"]),
                q_eff=int(attrs["q_eff"]), seed=int(attrs["seed"]), M=f.array("grammar/M"),
            )  # fmt: skip
        except KeyError as err:
            raise InputFileError(f"{path}: dataset lacks attribute {err}") from None
        if grammar.M.shape != (grammar.q,) * 3:
            raise InputFileError(f"{path}: grammar/M is not (q, q, q)")
        empty = np.zeros((0, grammar.length), dtype=np.int8)
        pools = [f.array(key) if with_pools else empty for key in POOLS]
    for key, pool in zip(POOLS, pools, strict=True):
        if with_pools and key.endswith("sequences") and pool.shape[1:] != (grammar.length,):
            raise InputFileError(f"{path}: {key} is not (N, {grammar.length})")
    return GrammarDataset(grammar, *pools)


def _read_reference(path: str | Path) -> tuple:
    """(q, l, sigma, roots (N,), leaves (N, 2**l), M) of a reference ``.npy`` object array."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: reference dataset does not exist (data.import_path)")
    try:
        obj = np.load(path, allow_pickle=True)
        q, l, sigma, roots, leaves, M = (obj[i] for i in range(6))
        q, l, sigma = int(q), int(l), float(sigma)
        leaves = np.asarray(leaves, dtype=np.int8).T
        roots = np.asarray(roots).astype(np.int8)
        M = np.asarray(M, dtype=np.float64)
    except Exception as err:  # numpy raises many types for a malformed object file
        raise InputFileError(f"{path}: not a reference grammar dataset ({err})") from None
    if M.shape != (q, q, q) or leaves.shape[1] != 2**l or len(roots) != len(leaves):
        raise InputFileError(f"{path}: inconsistent shapes in reference dataset")
    return q, l, sigma, roots, leaves, M


def reference_size(path: str | Path) -> int:
    """Number of sequences in a reference ``.npy`` (checked at parse time against the splits)."""
    return len(_read_reference(path)[3])


def import_reference(path: str | Path, n_test: int) -> GrammarDataset:
    """Import a reference-implementation ``.npy`` object array.

    Its layout is ``[q, l, sigma, roots (N,), leaves (2**l, N) int8, M (q,q,q),
    forbidden pairs]``. The last ``n_test`` sequences become the test pool.
    q_eff is recovered from M (allowed pairs per parent); the grammar seed is
    unknown and recorded as -1.
    """
    q, l, sigma, roots, leaves, M = _read_reference(path)
    if n_test >= len(leaves):
        raise ConfigError(f"data.n_test={n_test} leaves no training sequences in {path}")
    q_eff = int((M[0] > 0).sum())
    grammar = Grammar(q=q, l=l, sigma=sigma, q_eff=q_eff, seed=-1, M=M)
    cut = len(leaves) - n_test
    return GrammarDataset(grammar, leaves[:cut], roots[:cut], leaves[cut:], roots[cut:])


def one_hot(sequences: np.ndarray, q: int) -> np.ndarray:
    """(N, L) int -> (N, L, q) float32 one-hot."""
    return np.eye(q, dtype=np.float32)[np.asarray(sequences, dtype=np.int64)]


def check_pool_memory(l: int, data: dict, name: Name) -> None:
    """The training and test pools (int8 leaves and a root each) fit in memory.

    The config check and the data job's spec run it alike (``name`` says which keys).
    """
    count = data["n_sequences"] + data["n_test"]
    what = f"{count:,} sequences of length {2**l}"
    check_fits(count * (2**l + 1), what, name, "n_sequences")
