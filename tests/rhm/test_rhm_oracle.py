"""Exact posterior samples and the oracle reverse chain (BP's cavity as the denoiser)."""

import numpy as np
import torch
from rhm_enumeration import all_trees
from rhm_support import one_thread  # noqa: F401 (autouse fixture)
from test_rhm_data import chi2_pvalue

from diffgen.core.diffusion.d3pm import uniform_schedule
from diffgen.rhm.bp import TreeBP
from diffgen.rhm.oracle import CavityDenoiser, choices_per_row, posterior_sample
from diffgen.rhm.parsing import Parser, validity
from diffgen.rhm.rules import Shape, sample_rules
from diffgen.rhm.sampler import initial_tokens, reverse_chain

SHAPE = Shape(8, 8, 3, 2, 3)
GRAMMAR = sample_rules(SHAPE, 42)
SCHEDULE = uniform_schedule(200, 1e-3, 0.1)


def uniforms(rows, seed):
    gen = torch.Generator().manual_seed(seed)
    return torch.rand((rows, choices_per_row(SHAPE)), generator=gen, dtype=torch.float64)


def test_posterior_samples_are_valid_and_hard_evidence_gives_x0_back():
    bp = TreeBP(GRAMMAR, dtype=torch.float64)
    trees = all_trees(list(GRAMMAR.rules), SHAPE.n)
    rows = np.random.default_rng(0).integers(len(trees[-1]), size=500)
    x0 = torch.tensor(trees[-1][rows])
    exact = posterior_sample(bp, bp.posterior(x0, 1.0), uniforms(500, 1))
    for level, values in enumerate(exact):
        assert (values.numpy() == trees[level][rows]).all()
    noisy = torch.randint(0, SHAPE.v, (500, SHAPE.d), generator=torch.Generator().manual_seed(2))
    drawn = posterior_sample(bp, bp.posterior(noisy, 0.3), uniforms(500, 3))
    assert (validity(Parser(GRAMMAR).parse(drawn[-1].numpy())) == 1).all()
    parse = Parser(GRAMMAR).parse(drawn[-1].numpy())
    assert all((p == d.numpy()).all() for p, d in zip(parse, drawn, strict=True))


def test_posterior_samples_follow_the_marginals():
    bp = TreeBP(GRAMMAR, dtype=torch.float64)
    count = 6000
    x_t = torch.tensor([[5, 1, 3, 0, 3, 5, 2, 6]]).expand(count, -1)
    messages = bp.posterior(x_t, 0.55)
    drawn = posterior_sample(bp, messages, uniforms(count, 4))
    for level, node in ((0, 0), (1, 1), (2, 2), (3, 5)):
        mu = messages.marginal(level)[0, node].exp().numpy()
        counts = np.bincount(drawn[level][:, node].numpy(), minlength=len(mu))
        seen = mu > 1e-3
        other = counts[~seen].sum()
        observed = np.append(counts[seen], other)
        expected = np.append(mu[seen], mu[~seen].sum()) * count
        keep = expected > 5
        observed = np.append(observed[keep], observed[~keep].sum())
        expected = np.append(expected[keep], expected[~keep].sum())
        if expected[-1] == 0:
            observed, expected = observed[:-1], expected[:-1]
        assert chi2_pvalue(observed, expected) > 0.01, (level, node)


def test_oracle_chain_from_pure_noise_gives_valid_strings():
    bp = TreeBP(GRAMMAR, dtype=torch.float32)
    x_T = initial_tokens(0, 4096, SHAPE.d, SHAPE.v)
    x0 = reverse_chain(CavityDenoiser(bp, SCHEDULE), x_T, 200, SCHEDULE, SHAPE.v, seed=0)
    valid = validity(Parser(GRAMMAR).parse(x0.numpy()))
    assert (valid[:, -1] == 1).mean() >= 0.98
    assert (valid.mean(axis=0) >= 0.98).all()
