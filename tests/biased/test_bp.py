"""Belief propagation against brute-force enumeration."""

import math

import numpy as np
import pytest
import torch
from enumeration import leaf_joint, posterior

from diffgen.biased.bp import TreeBP, path_matrices
from diffgen.biased.field import diffusion_field
from diffgen.biased.grammar import build_grammar, sample_pool

SMALL_TREES = [(3, 2, 2), (4, 3, 3), (4, 3, 2)]  # (q, depth, q_eff)


def random_fields(rng, n, length, q, scale):
    return rng.normal(scale=scale, size=(n, length, q))


@pytest.mark.parametrize(("q", "depth", "q_eff"), SMALL_TREES)
def test_bp_k_matches_enumeration_for_every_k(q, depth, q_eff):
    grammar = build_grammar(q, depth, 1.0, q_eff, seed=3)
    rng = np.random.default_rng(0)
    fields = random_fields(rng, 4, 2**depth, q, scale=2.0)
    for k in range(depth + 1):
        bp = TreeBP(grammar.M, depth, k=k, dtype=torch.float64)
        log_marg = bp.log_marginals(torch.from_numpy(fields)).numpy()
        log_z = bp.log_partition(torch.from_numpy(fields)).numpy()
        for row, field in enumerate(fields):
            exact, exact_log_z = posterior(grammar.M, depth, field, k=k)
            np.testing.assert_allclose(np.exp(log_marg[row]), exact, atol=1e-10)
            assert log_z[row] == pytest.approx(exact_log_z, abs=1e-9)


def test_enumerated_joint_is_a_distribution_and_factorised_models_differ():
    grammar = build_grammar(3, 2, 1.0, 2, seed=1)
    joints = [leaf_joint(grammar.M, 2, k) for k in range(3)]
    for joint in joints:
        assert joint.sum() == pytest.approx(1.0)
    # Factorising the top removes correlations, so the models really differ.
    assert np.abs(joints[0] - joints[2]).max() > 1e-3


def test_marginals_sum_to_one_and_strong_fields_stay_finite():
    grammar = build_grammar(6, 4, 1.0, 4, seed=0)
    rng = np.random.default_rng(1)
    # Fields as large as those seen at t = 1 (sqrt(abar)/(1-abar) ~ 5000).
    fields = torch.from_numpy(random_fields(rng, 256, 16, 6, scale=5000.0))
    for k in range(5):
        marg = TreeBP(grammar.M, 4, k=k, dtype=torch.float64).log_marginals(fields).exp()
        assert torch.isfinite(marg).all()
        torch.testing.assert_close(marg.sum(-1), torch.ones(256, 16, dtype=torch.float64))


def test_infinite_field_pins_the_posterior():
    grammar = build_grammar(4, 3, 1.0, 3, seed=2)
    rng = np.random.default_rng(2)
    field = random_fields(rng, 1, 8, 4, scale=1.0)
    field[0, 5, :] = 0.0
    field[0, 5, 2] = math.inf
    marg = TreeBP(grammar.M, 3, dtype=torch.float64).log_marginals(torch.from_numpy(field)).exp()[0]
    assert marg[5, 2].item() == pytest.approx(1.0)
    # The pin is evidence for the other leaves too: compare with enumeration.
    hard = field.copy()
    hard[0, 5, :] = -np.inf
    hard[0, 5, 2] = 0.0
    exact, _ = posterior(grammar.M, 3, hard[0])
    np.testing.assert_allclose(marg.numpy(), exact, atol=1e-10)


def test_log_likelihood_of_sampled_sequences_matches_enumeration():
    q, depth = 3, 2
    grammar = build_grammar(q, depth, 1.0, 2, seed=5)
    joint = leaf_joint(grammar.M, depth)
    seqs, _ = sample_pool(grammar, 50, seed=0, stream=0)
    ll = TreeBP(grammar.M, depth, dtype=torch.float64).log_likelihood(seqs).numpy()
    for seq, value in zip(seqs, ll, strict=True):
        assert value == pytest.approx(math.log(joint[tuple(seq)]), abs=1e-10)
    # A sequence containing a forbidden pair has probability zero.
    left, right = grammar.forbidden_pairs[0]
    bad = np.array([[left, right, 0, 0]])
    assert TreeBP(grammar.M, depth).log_likelihood(bad).item() == -math.inf


def test_forbidden_pair_evidence_falls_back_to_exact_log_sum_exp():
    """Evidence pinned on a forbidden pair with soft evidence elsewhere stays exact."""
    grammar = build_grammar(4, 3, 1.0, 2, seed=4)
    left, right = grammar.forbidden_pairs[0]
    field = np.zeros((1, 8, 4))
    field[0, 0, left] = 800.0  # exp(-800) underflows even float64 in a plain product
    field[0, 1, right] = 800.0
    bp = TreeBP(grammar.M, 3, dtype=torch.float64)
    marg = bp.log_marginals(torch.from_numpy(field)).exp()[0].numpy()
    assert np.isfinite(marg).all()
    shifted = field.copy()
    shifted[0, :2] -= 800.0  # same posterior, enumeration-friendly scale
    exact, _ = posterior(grammar.M, 3, np.maximum(shifted[0], -800.0))
    np.testing.assert_allclose(marg, exact, atol=1e-8)


def test_path_matrices_are_stochastic_and_follow_binary_paths():
    grammar = build_grammar(4, 3, 1.0, 3, seed=0)
    M = torch.from_numpy(grammar.M)
    mats = path_matrices(M, 2)
    torch.testing.assert_close(mats.sum(-1), torch.ones(4, 4, dtype=torch.float64))
    m_left, m_right = M.sum(2), M.sum(1)
    torch.testing.assert_close(mats[1], m_left @ m_right)  # node 1 = left then right
    torch.testing.assert_close(mats[2], m_right @ m_left)


def test_float32_and_batched_chunks_agree_with_float64():
    grammar = build_grammar(6, 4, 1.0, 4, seed=0)
    rng = np.random.default_rng(3)
    fields = torch.from_numpy(random_fields(rng, 300, 16, 6, scale=3.0))
    exact = TreeBP(grammar.M, 4, dtype=torch.float64)
    ref = exact.log_marginals(fields).exp()
    chunked = exact.log_marginals(fields, chunk=7).exp()
    single = TreeBP(grammar.M, 4, dtype=torch.float32).log_marginals(fields).exp()
    torch.testing.assert_close(chunked, ref)
    torch.testing.assert_close(single.double(), ref, atol=1e-5, rtol=1e-4)


def test_diffusion_field_scales_per_row():
    x = torch.ones(2, 16, 6)
    abar = torch.tensor([0.5, 0.9], dtype=torch.float64)
    field = diffusion_field(x, abar)
    assert field[0, 0, 0].item() == pytest.approx(math.sqrt(0.5) / 0.5)
    assert field[1, 0, 0].item() == pytest.approx(math.sqrt(0.9) / 0.1)
