"""Exact BP on the RHM tree against brute-force enumeration of every string."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from rhm_enumeration import all_trees, cavity, node_marginals, reverse_marginals
from rhm_support import one_thread  # noqa: F401 (autouse fixture)

from diffgen.core.diffusion.d3pm import kl_loss, posterior_probs, uniform_schedule
from diffgen.rhm.bp import TreeBP
from diffgen.rhm.parsing import Parser, validity
from diffgen.rhm.rules import Shape, sample_rules

SHAPES = {
    "v4n4m2s2L2": Shape(4, 4, 2, 2, 2),
    "v8n8m3s2L3": Shape(8, 8, 3, 2, 3),
    "v4n2m2s2L2": Shape(4, 2, 2, 2, 2),  # n != v
    "v3n3m2s3L2": Shape(3, 3, 2, 3, 2),  # s = 3
}
SCHEDULE = uniform_schedule(200, 1e-3, 0.1)


@pytest.fixture(scope="module", params=list(SHAPES))
def case(request):
    shape = SHAPES[request.param]
    grammar = sample_rules(shape, 42)
    return shape, grammar, all_trees(list(grammar.rules), shape.n)


def noisy_strings(trees, shape, eps, count, seed):
    """``count`` strings: valid ones noised at ε (pure noise for ε = 1), and their origins."""
    rng = np.random.default_rng(seed)
    rows = rng.integers(len(trees[-1]), size=count)
    x0 = trees[-1][rows]
    resample = rng.random(x0.shape) < eps
    return np.where(resample, rng.integers(0, shape.v, x0.shape), x0), rows


@pytest.mark.parametrize("eps", [0.0, 0.3, 0.9, 1.0])
def test_marginals_and_cavities_equal_brute_force(case, eps):
    shape, grammar, trees = case
    abar = 1.0 - eps
    x_t, _ = noisy_strings(trees, shape, eps, 5, seed=int(eps * 10))
    messages = TreeBP(grammar, dtype=torch.float64).posterior(torch.tensor(x_t), abar)
    for row in range(len(x_t)):
        exact = node_marginals(trees, x_t[row], abar, shape.v, shape.symbols)
        for level in range(shape.L + 1):
            got = messages.marginal(level)[row].exp().numpy()
            assert np.abs(got - exact[level]).max() < 1e-9, (row, level)
        want = cavity(trees, x_t[row], abar, shape.v)
        assert np.abs(messages.cavity[row].exp().numpy() - want).max() < 1e-9


def test_hard_evidence_returns_the_tree_and_no_evidence_the_prior(case):
    shape, grammar, trees = case
    bp = TreeBP(grammar, dtype=torch.float64)
    rows = np.arange(0, len(trees[-1]), max(1, len(trees[-1]) // 7))
    exact = bp.posterior(torch.tensor(trees[-1][rows]), 1.0)
    for level in range(shape.L + 1):
        truth = torch.tensor(trees[level][rows]).unsqueeze(-1)
        assert torch.allclose(exact.marginal(level).exp().gather(-1, truth), torch.ones(1).double())
    prior = bp.posterior(torch.tensor(trees[-1][rows]), 0.0)
    assert torch.allclose(
        prior.marginal(0).exp(), torch.full((len(rows), 1, shape.n), 1 / shape.n).double()
    )
    counts = np.stack([np.bincount(trees[-1][:, i], minlength=shape.v) for i in range(shape.d)])
    assert np.allclose(
        prior.marginal(shape.L)[0].exp().numpy(), counts / len(trees[-1]), atol=1e-12
    )


def test_float32_agrees_with_float64_and_batches_are_independent():
    shape = SHAPES["v8n8m3s2L3"]
    grammar = sample_rules(shape, 42)
    trees = all_trees(list(grammar.rules), shape.n)
    x_t, _ = noisy_strings(trees, shape, 0.4, 300, seed=3)
    x_t = torch.tensor(x_t)
    exact = TreeBP(grammar, dtype=torch.float64).posterior(x_t, 0.6)
    single = TreeBP(grammar, dtype=torch.float32).posterior(x_t, 0.6)
    assert (exact.marginal(0).exp() - single.marginal(0).exp().double()).abs().max() < 1e-5
    part = TreeBP(grammar, dtype=torch.float64).posterior(x_t[:7], 0.6)
    assert torch.allclose(part.cavity, exact.cavity[:7])


def test_cavity_gives_exact_reverse_marginals_and_the_leaf_marginal_does_not():
    shape = SHAPES["v8n8m3s2L3"]
    grammar = sample_rules(shape, 42)
    trees = all_trees(list(grammar.rules), shape.n)
    bp = TreeBP(grammar, dtype=torch.float64)
    worst_leaf_marginal = 0.0
    for t, seed in ((20, 0), (35, 1), (60, 2)):
        abar = float(SCHEDULE.alpha_bar(t))
        x_t, _ = noisy_strings(trees, shape, 1 - abar, 4, seed)
        messages = bp.posterior(torch.tensor(x_t), abar)
        one_hot = F.one_hot(torch.tensor(x_t), shape.v).double()
        oracle = posterior_probs(one_hot, t, messages.cavity.exp(), SCHEDULE)
        leafwise = posterior_probs(one_hot, t, messages.marginal(shape.L).exp(), SCHEDULE)
        for row in range(len(x_t)):
            exact = reverse_marginals(trees, x_t[row], t, float(SCHEDULE.alpha(t)), abar,
                                      float(SCHEDULE.alpha_bar(t - 1)), shape.v)  # fmt: skip
            assert np.abs(oracle[row].numpy() - exact).max() < 1e-6
            worst_leaf_marginal = max(
                worst_leaf_marginal, np.abs(leafwise[row].numpy() - exact).max()
            )
    assert worst_leaf_marginal > 3e-3


def test_expected_loss_is_smallest_at_the_cavity():
    shape = SHAPES["v8n8m3s2L3"]
    grammar = sample_rules(shape, 42)
    trees = all_trees(list(grammar.rules), shape.n)
    t = 30
    abar = float(SCHEDULE.alpha_bar(t))
    x_t, _ = noisy_strings(trees, shape, 1 - abar, 3, seed=5)
    messages = TreeBP(grammar, dtype=torch.float64).posterior(torch.tensor(x_t), abar)
    random_y = torch.softmax(
        torch.randn(3, shape.d, shape.v, generator=torch.Generator().manual_seed(0)), -1
    )
    candidates = {
        "cavity": messages.cavity.exp(),
        "leaf marginal": messages.marginal(shape.L).exp(),
        "random": random_y.double(),
    }
    leaves = torch.tensor(trees[-1])
    for row in range(3):
        w = ((leaves == torch.tensor(x_t[row])) * abar + (1 - abar) / shape.v).prod(dim=1).double()
        w = w / w.sum()
        keep = w > 1e-10
        x0 = F.one_hot(leaves[keep], shape.v).double()
        x_rep = F.one_hot(torch.tensor(x_t[row]), shape.v).double().expand(len(x0), -1, -1)
        steps = torch.full((len(x0),), t)
        expected = {
            name: float((kl_loss(x_rep, steps, x0, y[row].expand(len(x0), -1, -1), SCHEDULE,
                                 reduce=False) * w[keep]).sum())
            for name, y in candidates.items()
        }  # fmt: skip
        assert expected["cavity"] < min(expected["leaf marginal"], expected["random"])


def test_zero_one_upward_pass_is_the_parsers_validity():
    shape = SHAPES["v8n8m3s2L3"]
    grammar = sample_rules(shape, 42)
    leaves = torch.randint(0, shape.v, (3000, shape.d), generator=torch.Generator().manual_seed(4))
    trees = all_trees(list(grammar.rules), shape.n)
    leaves[:500] = torch.tensor(trees[-1][:500])
    up = TreeBP(grammar, dtype=torch.float64).upward(torch.log(F.one_hot(leaves, shape.v).double()))
    from_bp = np.stack(
        [
            torch.isfinite(up[shape.L - h]).any(-1).double().mean(1).numpy()
            for h in range(1, shape.L + 1)
        ],
        axis=1,
    )
    assert np.array_equal(from_bp, validity(Parser(grammar).parse(leaves.numpy())))


def test_underflowing_rows_fall_back_to_the_log_domain():
    shape = Shape(16, 16, 4, 2, 6)
    grammar = sample_rules(shape, 42)
    bp = TreeBP(grammar, dtype=torch.float32)
    leaves = torch.randint(0, 16, (64, shape.d), generator=torch.Generator().manual_seed(0))
    # Other symbols e^-200 times less likely: one such factor underflows float32.
    evidence = (F.one_hot(leaves, 16).float() - 1) * 200
    fast, exact = bp.run(evidence), bp.run_log(evidence)
    _, _, lost = bp._linear(evidence)
    assert lost.any(), "this evidence should underflow in float32"
    for level in range(shape.L + 1):
        a, b = fast.marginal(level).exp(), exact.marginal(level).exp()
        assert not a.isnan().any() and torch.allclose(a, b, atol=1e-4)
    hard = bp.run(bp.leaf_log_evidence(leaves, 1.0))
    assert not any(m.isnan().any() for m in hard.up + hard.down)
    assert torch.isneginf(hard.up[0]).all(), "random strings are impossible under the grammar"
