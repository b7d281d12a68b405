"""Grammar construction, sampling statistics, HDF5 storage and reference import."""

import hashlib
import os

import numpy as np
import pytest

from diffgen.biased import dataset
from diffgen.biased.grammar import build_grammar, sample_pool, sample_trees, tree_is_valid
from diffgen.core.errors import ConfigError, InputFileError


def test_transition_tensor_follows_the_partition_rule():
    q, q_eff = 6, 4
    g = build_grammar(q, 4, 1.0, q_eff, seed=0)
    np.testing.assert_allclose(g.M.reshape(q, -1).sum(axis=1), 1.0)
    allowed = g.M > 0
    assert (allowed.reshape(q, -1).sum(axis=1) == q_eff).all()
    # Disjoint allowed sets: every pair has at most one parent.
    assert allowed.sum(axis=0).max() == 1
    assert len(g.forbidden_pairs) == q * (q - q_eff)
    # Same seed, same tensor; another seed, another tensor.
    np.testing.assert_array_equal(g.M, build_grammar(q, 4, 1.0, q_eff, seed=0).M)
    assert not np.array_equal(g.M, build_grammar(q, 4, 1.0, q_eff, seed=1).M)


#: The paper's grammar (q=6, l=4, sigma=1, q_eff=4, seed 0): the non-zero entries
#: M[parent, left, right] of the tensor the reference implementation builds for seed 0
#: (its data file labeled_data_restrictedfixed_6_4_1.0_4_0.npy carries the same M).
PAPER_GRAMMAR = {
    (0, 2, 4): 0.15118322062699815, (0, 3, 2): 0.1316558596878152,
    (0, 5, 0): 0.5529291622143115, (0, 5, 1): 0.16423175747087493,
    (1, 0, 2): 0.41816414477907243, (1, 1, 4): 0.21345050280237549,
    (1, 1, 5): 0.08257566142233073, (1, 4, 5): 0.2858096909962215,
    (2, 1, 2): 0.12271106294705304, (2, 4, 4): 0.5683115965382897,
    (2, 5, 2): 0.18833887566502464, (2, 5, 3): 0.1206384648496327,
    (3, 1, 1): 0.5241843530775024, (3, 2, 2): 0.13758335831787594,
    (3, 2, 5): 0.15339211221235885, (3, 4, 2): 0.18484017639226272,
    (4, 1, 0): 0.0940819721410314, (4, 3, 5): 0.10813218904618427,
    (4, 4, 0): 0.03378186718904593, (4, 4, 1): 0.7640039716237383,
    (5, 1, 3): 0.2639772693070953, (5, 3, 1): 0.04944841072958273,
    (5, 3, 3): 0.09038012223249434, (5, 5, 4): 0.5961941977308276,
}  # fmt: skip


def test_seed_zero_is_the_papers_grammar():
    M = build_grammar(6, 4, 1.0, 4, seed=0).M
    expected = np.zeros((6, 6, 6))
    for index, value in PAPER_GRAMMAR.items():
        expected[index] = value
    np.testing.assert_allclose(M, expected, rtol=1e-12, atol=0)


def test_sigma_zero_gives_uniform_allowed_pairs():
    g = build_grammar(4, 2, 0.0, 3, seed=0)
    np.testing.assert_allclose(g.M[g.M > 0], 1 / 3)


def test_samples_are_parsable_and_match_transition_frequencies():
    g = build_grammar(4, 3, 1.0, 3, seed=2)
    leaves, roots = sample_trees(g, 200_000, np.random.default_rng(0))
    assert tree_is_valid(g, leaves).all()
    # The root is uniform; its left-right children follow M[root].
    counts = np.bincount(roots, minlength=4) / len(roots)
    np.testing.assert_allclose(counts, 0.25, atol=0.005)
    # Leaves 0,1 come from the level-(l-1) leftmost node; check P(pair) overall.
    pairs = leaves[:, 0].astype(int) * 4 + leaves[:, 1]
    empirical = np.bincount(pairs, minlength=16) / len(pairs)
    assert empirical[g.pair_parent.reshape(-1) < 0].sum() == 0


def test_random_sequences_are_mostly_invalid():
    g = build_grammar(6, 4, 1.0, 4, seed=0)
    random = np.random.default_rng(0).integers(0, 6, size=(1000, 16))
    assert tree_is_valid(g, random).mean() < 0.01


def test_pools_are_prefix_stable_and_seeded():
    g = build_grammar(6, 4, 1.0, 4, seed=0)
    big, _ = sample_pool(g, 250_000, seed=3, stream=0)
    small, _ = sample_pool(g, 120_000, seed=3, stream=0)
    np.testing.assert_array_equal(big[:120_000], small)
    other, _ = sample_pool(g, 1000, seed=4, stream=0)
    assert not np.array_equal(other, big[:1000])
    test, _ = sample_pool(g, 1000, seed=3, stream=1)
    assert not np.array_equal(test, big[:1000])


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_dataset_file_is_byte_identical_and_round_trips(tmp_path):
    args = (6, 4, 1.0, 4, 0, 5000, 1000, 0)
    first, second = tmp_path / "a.h5", tmp_path / "b.h5"
    dataset.save(dataset.generate(*args), first, {"config_hash": "x"})
    dataset.save(dataset.generate(*args), second, {"config_hash": "x"})
    assert _digest(first) == _digest(second)
    loaded = dataset.load(first)
    fresh = dataset.generate(*args)
    np.testing.assert_array_equal(loaded.train_sequences, fresh.train_sequences)
    np.testing.assert_array_equal(loaded.test_roots, fresh.test_roots)
    np.testing.assert_array_equal(loaded.grammar.M, fresh.grammar.M)
    assert loaded.train_sequences.dtype == np.int8


def test_splits_are_disjoint_blocks_and_overflow_names_the_key():
    ds = dataset.generate(6, 4, 1.0, 4, 0, 1000, 100, 0)
    np.testing.assert_array_equal(ds.split(2, 100), ds.train_sequences[200:300])
    with pytest.raises(ConfigError, match=r"data\.n_sequences"):
        ds.split(10, 100)
    with pytest.raises(ConfigError, match=r"data\.n_test"):
        ds.test_set(101)


def test_corrupt_or_missing_dataset_gives_one_line_error(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        dataset.load(tmp_path / "missing.h5")
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"not an hdf5 file")
    with pytest.raises(InputFileError, match=r"bad\.h5"):
        dataset.load(bad)


def test_reference_npy_import(tmp_path):
    g = build_grammar(6, 4, 1.0, 4, seed=0)
    leaves, roots = sample_pool(g, 500, seed=0, stream=0)
    forbidden = [tuple(p) for p in g.forbidden_pairs]
    obj = np.array([6, 4, 1.0, roots.astype(float), leaves.T.copy(), g.M, forbidden], dtype=object)
    path = tmp_path / "labeled_data_restrictedfixed_6_4_1.0_4_0.npy"
    np.save(path, obj, allow_pickle=True)
    imported = dataset.import_reference(path, n_test=100)
    assert imported.grammar.q_eff == 4
    np.testing.assert_array_equal(imported.train_sequences, leaves[:400])
    np.testing.assert_array_equal(imported.test_sequences, leaves[400:])
    np.testing.assert_array_equal(imported.grammar.M, g.M)
    with pytest.raises(InputFileError, match="does not exist"):
        dataset.import_reference(tmp_path / "nope.npy", 10)


def test_outputs_are_written_with_the_umask_mode_not_0600(tmp_path):
    path = tmp_path / "d.h5"
    dataset.save(dataset.generate(4, 2, 1.0, 3, 0, 10, 10, 0), path, {})
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert not list(tmp_path.glob(".*tmp*")), "no temporary file is left behind"
