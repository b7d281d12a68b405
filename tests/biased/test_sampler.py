"""Reverse sampler with exact denoisers: grammar samples, memorization, U-turns."""

import numpy as np
import torch
import torch.nn.functional as F

from diffgen.biased.denoisers import EmpiricalDenoiser, PriorDenoiser
from diffgen.biased.grammar import build_grammar, sample_pool, tree_is_valid
from diffgen.biased.metrics.uturn import overlap
from diffgen.biased.oracle import BPDenoiser
from diffgen.biased.sampler import noise_to, reverse_sample
from diffgen.core.diffusion.gaussian import linear_schedule, posterior_mean_std
from diffgen.core.seeding import initial_noise, seeded_noise

GRAMMAR = build_grammar(6, 4, 1.0, 4, seed=0)
SCHEDULE = linear_schedule(100, 1e-4, 0.02)


def test_seeded_noise_is_independent_of_batching():
    whole = seeded_noise(5, 7, 0, 3000, (16, 6))
    parts = torch.cat([seeded_noise(5, 7, a, b, (16, 6)) for a, b in [(0, 1000), (1000, 3000)]])
    torch.testing.assert_close(whole, parts, rtol=0, atol=0)
    assert not torch.equal(whole, seeded_noise(5, 8, 0, 3000, (16, 6)))


def test_posterior_at_t1_returns_the_estimate_exactly():
    x0_hat = torch.rand(4, 16, 6)
    mean, std = posterior_mean_std(x0_hat, torch.randn(4, 16, 6), 1, SCHEDULE)
    assert std == 0.0
    torch.testing.assert_close(mean, x0_hat.double().float(), rtol=0, atol=1e-7)


def test_bp_sampler_produces_grammatical_sequences():
    denoiser = BPDenoiser(GRAMMAR.M, GRAMMAR.l, SCHEDULE)
    x_T = initial_noise(0, 2000, (16, 6))
    result = reverse_sample(
        denoiser, x_T, SCHEDULE.T, SCHEDULE, mode="fix-noise", seed=1, batch_size=1000
    )
    tokens = result.tokens.numpy()
    assert tree_is_valid(GRAMMAR, tokens).mean() > 0.99
    # Roots parsed bottom-up are close to uniform.
    owner = GRAMMAR.pair_parent
    nodes = tokens.astype(int)
    while nodes.shape[1] > 1:
        nodes = np.maximum(owner[nodes[:, 0::2], nodes[:, 1::2]], 0)
    freq = np.bincount(nodes[:, 0], minlength=6) / len(nodes)
    np.testing.assert_allclose(freq, 1 / 6, atol=0.035)


def test_prior_sampler_ignores_the_grammar():
    x_T = initial_noise(0, 2000, (16, 6))
    result = reverse_sample(PriorDenoiser(SCHEDULE), x_T, SCHEDULE.T, SCHEDULE, seed=1)
    assert tree_is_valid(GRAMMAR, result.tokens.numpy()).mean() < 0.05


def test_fix_noise_sampling_is_reproducible_across_batch_sizes():
    denoiser = BPDenoiser(GRAMMAR.M, GRAMMAR.l, SCHEDULE)
    x_T = initial_noise(3, 300, (16, 6))
    a = reverse_sample(denoiser, x_T, 40, SCHEDULE, mode="fix-noise", seed=2, batch_size=300)
    b = reverse_sample(denoiser, x_T, 40, SCHEDULE, mode="fix-noise", seed=2, batch_size=64)
    torch.testing.assert_close(a.x0_hat, b.x0_hat, atol=1e-5, rtol=0)
    assert torch.equal(a.tokens, b.tokens)


def test_empirical_denoiser_memorizes_its_training_set():
    train, _ = sample_pool(GRAMMAR, 8, seed=0, stream=0)
    one_hot = F.one_hot(torch.as_tensor(train, dtype=torch.long), 6).float()
    denoiser = EmpiricalDenoiser(one_hot, SCHEDULE)
    x_T = initial_noise(1, 200, (16, 6))
    result = reverse_sample(denoiser, x_T, SCHEDULE.T, SCHEDULE, seed=4)
    tokens = result.tokens.numpy()
    matches = (tokens[:, None, :] == train[None]).all(-1).any(-1)
    assert matches.all()


def test_uturn_from_t1_returns_the_start():
    starts, _ = sample_pool(GRAMMAR, 500, seed=0, stream=1)
    x0 = F.one_hot(torch.as_tensor(starts, dtype=torch.long), 6).float()
    x_1 = noise_to(x0, 1, SCHEDULE, seed=0)
    for denoiser in (BPDenoiser(GRAMMAR.M, GRAMMAR.l, SCHEDULE), PriorDenoiser(SCHEDULE)):
        result = reverse_sample(denoiser, x_1, 1, SCHEDULE, mode="stochastic", seed=0)
        np.testing.assert_array_equal(overlap(result.tokens.numpy(), starts), 1.0)


def test_deterministic_mode_needs_no_noise_and_repeats():
    denoiser = BPDenoiser(GRAMMAR.M, GRAMMAR.l, SCHEDULE)
    x_T = initial_noise(0, 50, (16, 6))
    a = reverse_sample(denoiser, x_T, 30, SCHEDULE, mode="deterministic", seed=0)
    b = reverse_sample(denoiser, x_T, 30, SCHEDULE, mode="deterministic", seed=99)
    assert torch.equal(a.tokens, b.tokens)
