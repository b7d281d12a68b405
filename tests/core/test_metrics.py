"""Measurements against hand-computed cases and exact identities."""

import math

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F

from diffgen.biased import tables
from diffgen.biased.evaluation import fixed_noisy_batch
from diffgen.biased.grammar import build_grammar, sample_pool
from diffgen.biased.metrics.loss_decomposition import decompose
from diffgen.biased.metrics.uturn import overlap, overlap_ratio, uturn_overlaps
from diffgen.biased.oracle import BPDenoiser
from diffgen.core.diffusion.gaussian import linear_schedule
from diffgen.core.metrics.divergence import (
    distance_histogram,
    histogram_kl,
    mean_se,
    positionwise_kl,
)
from diffgen.core.metrics.nearest import hamming_nearest
from diffgen.core.tables import minimum_at


def test_hamming_nearest_on_a_crafted_set():
    refs = np.array([[0, 0, 0, 0], [1, 1, 1, 1], [0, 1, 2, 3]])
    queries = np.array([[0, 0, 0, 0], [0, 0, 0, 1], [1, 1, 2, 3], [3, 3, 3, 3], [2, 2, 2, 2]])
    np.testing.assert_array_equal(hamming_nearest(queries, refs, q=4), [0, 1, 1, 3, 3])


def test_hamming_nearest_matches_brute_force_on_random_data():
    rng = np.random.default_rng(0)
    refs = rng.integers(0, 6, size=(300, 16))
    queries = rng.integers(0, 6, size=(200, 16))
    queries[:20] = refs[:20]
    brute = (queries[:, None, :] != refs[None]).sum(-1).min(axis=1)
    np.testing.assert_array_equal(hamming_nearest(queries, refs, q=6), brute)


def test_histogram_kl_is_zero_for_identical_and_positive_otherwise():
    p = distance_histogram(np.array([0, 1, 1, 2, 16]), 16)
    assert p.shape == (17,) and p.sum() == pytest.approx(1.0)
    assert histogram_kl(p, p) == pytest.approx(0.0, abs=1e-12)
    q = distance_histogram(np.array([1, 1, 2, 2, 3]), 16)
    assert histogram_kl(p, q) > 0
    # Hand-computed: p = (1/2, 1/2), q = (1/4, 3/4) -> 0.5 ln 2 + 0.5 ln(2/3).
    assert histogram_kl([0.5, 0.5], [0.25, 0.75]) == pytest.approx(
        0.5 * math.log(2) + 0.5 * math.log(2 / 3)
    )
    # An empty bin in q is floored, so the KL stays finite but large.
    assert 10 < histogram_kl([1.0, 0.0], [0.0, 1.0], floor=1e-8) < 20


def test_positionwise_kl_hand_case_and_zero_probabilities():
    p = torch.tensor([[[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]]).log()
    q = torch.tensor([[[0.25, 0.75, 0.0], [1.0, 0.0, 0.0]]]).log()
    expected = (0.5 * math.log(2) + 0.5 * math.log(2 / 3)) / 2
    assert positionwise_kl(p, q).item() == pytest.approx(expected)
    assert positionwise_kl(p, p).item() == 0.0


def test_loss_decomposition_identity_and_zero_mean_on_fresh_data():
    grammar = build_grammar(6, 4, 1.0, 4, seed=0)
    schedule = linear_schedule(100, 1e-4, 0.02)
    tokens, _ = sample_pool(grammar, 4000, seed=0, stream=1)
    t = schedule.t_of_fraction(0.3)
    x0, t_vec, x_t = fixed_noisy_batch(tokens, 6, schedule, seed=0, t=t)
    bp = BPDenoiser(grammar.M, 4, schedule, dtype=torch.float64).log_probs(x_t, t_vec)
    # Any "model" will do for the identity; use a tempered BP to be non-trivial.
    model = torch.log_softmax(0.7 * bp + 0.1 * torch.randn_like(bp), dim=-1)
    terms = decompose(model.double(), bp.double(), x0.double())
    torch.testing.assert_close(terms["total"], terms["l_star"] + terms["l_tilde"])
    # E[x0 - E[x0|x_t]] = 0 on data from the grammar: l~ averages to ~0.
    l_tilde = terms["l_tilde"].numpy()
    assert abs(l_tilde.mean()) < 4 * l_tilde.std() / math.sqrt(len(l_tilde))
    # With the exact posterior as the model, l* is the entropy and minimal.
    exact = decompose(bp.double(), bp.double(), x0.double())
    assert exact["l_star"].mean() < terms["l_star"].mean()


def test_uturn_overlap_is_one_as_t_goes_to_zero_and_drops_for_large_t():
    grammar = build_grammar(6, 4, 1.0, 4, seed=0)
    schedule = linear_schedule(50, 1e-4, 0.02)
    starts, _ = sample_pool(grammar, 64, seed=0, stream=1)
    bp = {"bp": BPDenoiser(grammar.M, 4, schedule)}
    early = uturn_overlaps(bp, starts, 1, schedule, 6, reps=2, seed=0, batch_size=64)["bp"]
    late = uturn_overlaps(bp, starts, 50, schedule, 6, reps=2, seed=0, batch_size=64)["bp"]
    assert early.shape == (2, 64) and (early == 1.0).all()
    assert late.mean() < 0.6
    assert overlap(np.array([[1, 2, 3, 4]]), np.array([[1, 2, 0, 0]]))[0] == 0.5


def test_overlap_ratio_handles_zero_bp():
    model = np.array([[0.5, 1.0], [0.5, 0.0]])
    bp = np.array([[1.0, 0.0], [0.0, 0.0]])
    ratio = overlap_ratio(model, bp)
    assert ratio[0] == pytest.approx(1.0) and np.isnan(ratio[1])


def test_mean_se_and_reference_minimum():
    assert mean_se(np.array([1.0, 3.0])) == pytest.approx((2.0, 1.0))
    assert mean_se(np.array([2.0])) == (2.0, 0.0)
    loss = pd.DataFrame({
        "n": [10] * 6, "split": [0, 0, 0, 1, 1, 1], "seed": [0, 0, 0, 1, 1, 1],
        "epoch": [1, 2, 3, 1, 2, 3], "test_loss": [3.0, 1.0, 2.0, 3.0, 2.0, 1.5],
    })  # fmt: skip
    assert minimum_at(loss, "test_loss", ["n", "split", "seed"]) == 2
    # An epoch missing for one model is not a candidate.
    partial = loss[~((loss.seed == 1) & (loss.epoch == 2))]
    assert minimum_at(partial, "test_loss", ["n", "split", "seed"]) == 3


def test_fig4a_table_averages_over_seeds(tmp_path):
    nn = pd.DataFrame(
        {"n": [5, 5], "split": [0, 1], "seed": [0, 1], "epoch": [7, 7], "nn_kl": [1.0, 3.0]}
    )
    loss = pd.DataFrame(
        {
            "n": [5, 5],
            "split": [0, 1],
            "seed": [0, 1],
            "epoch": [7, 7],
            "test_loss": [2.0, 2.0],
            "train_loss": [1.0, 1.0],
        }
    )
    nn.to_csv(tmp_path / "nn.csv", index=False)
    loss.to_csv(tmp_path / "loss.csv", index=False)
    inputs = {"nn": [str(tmp_path / "nn.csv")], "loss": [str(tmp_path / "loss.csv")]}
    table = tables.fig4a(inputs, {})
    row = table.iloc[0]
    # The reference's s.e.: population std (ddof 0) over sqrt(seeds).
    assert row["nn_kl_mean"] == 2.0 and row["nn_kl_se"] == pytest.approx(1 / np.sqrt(2))
    assert row["n_seeds"] == 2 and row["test_loss_se"] == 0.0


def test_one_hot_inputs_of_the_noisy_batch_are_fixed_by_the_seed():
    tokens = np.zeros((5, 16), dtype=np.int64)
    schedule = linear_schedule(50, 1e-4, 0.02)
    a = fixed_noisy_batch(tokens, 6, schedule, seed=1)
    b = fixed_noisy_batch(tokens, 6, schedule, seed=1)
    assert torch.equal(a[2], b[2]) and torch.equal(a[1], b[1])
    torch.testing.assert_close(a[0], F.one_hot(torch.zeros(5, 16, dtype=torch.long), 6).float())
