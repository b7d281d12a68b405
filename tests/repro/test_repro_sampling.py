"""The EDM sampler with the ground-truth denoisers (spec §8): D* generalizes, D_N copies."""

import numpy as np
import torch
from conftest import paper_settings

from diffgen.images.edm.sampler import SamplerSettings, per_seed_latents, sample
from diffgen.repro import measures, molrg
from diffgen.repro.optimal import Empirical, MoLRGOptimal

R, K, D = 4, 2, 6
RATIO = paper_settings("repro", "measure")["ratio"]  # the paper's threshold


def test_heun_with_molrg_optimal_lands_on_the_subspaces_and_does_not_copy():
    u = molrg.basis(R, K, D, 0)
    train = torch.from_numpy(molrg.sample(u, K, D, 1024, 1))
    z = per_seed_latents(range(100_000, 100_200), (3 * R * R,))
    x = sample(MoLRGOptimal(torch.from_numpy(u), K, D), z, SamplerSettings(solver="heun"))
    assert molrg.subspace_residual(x.numpy(), u, K, D).max() < 1e-6
    assert measures.memorization_ratio(x, train, RATIO) <= 0.02


def test_euler_with_empirical_denoiser_returns_training_samples():
    u = molrg.basis(R, K, D, 0)
    train = torch.from_numpy(molrg.sample(u, K, D, 64, 1))
    z = per_seed_latents(range(100_000, 100_100), (3 * R * R,))
    x = sample(Empirical(train), z, SamplerSettings(solver="euler"))
    nearest = torch.cdist(x, train).min(dim=1)
    assert float(nearest.values.max()) < 1e-6
    assert measures.memorization_ratio(x, train, RATIO) == 1.0
    assert len(np.unique(nearest.indices.numpy())) > 10  # many different samples are reached
