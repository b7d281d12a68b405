"""Similarity, threshold, RP, memorization ratio, rank rule, MLP sizes: by hand."""

import numpy as np
import pytest
import torch
from conftest import paper_settings

from diffgen.repro import measures
from diffgen.repro.mlp import build, noise_features, parameter_count

#: The paper's rank rule and memorization threshold (config.yaml, schema defaults).
ENERGY = paper_settings("repro", "jacobian")["energy"]
RATIO = paper_settings("repro", "measure")["ratio"]


def test_rank_rule_on_hand_spectra():
    assert measures.effective_rank([1, 1, 1, 1], ENERGY) == 4
    assert measures.effective_rank([1, 0.1, 0.01], ENERGY) == 1
    assert measures.effective_rank([0.01, 1, 0.2], ENERGY) == 2


def test_centred_cosine_by_hand():
    a = torch.tensor([[1.0, 2.0, 3.0]])
    b = torch.tensor([[3.0, 2.0, 1.0]])
    assert float(measures.centred_cosine(a, b)) == pytest.approx(-1.0)
    assert float(measures.centred_cosine(a, a + 7)) == pytest.approx(1.0)
    assert float(measures.centred_cosine(a, 2 * a)) == pytest.approx(1.0)


def test_rp_score_and_threshold():
    sim = torch.tensor([0.9, 0.5, 0.7, 0.1])
    assert measures.rp_score(sim, 0.6) == 0.5
    x = torch.randn(500, 10, generator=torch.Generator().manual_seed(0))
    tau = measures.calibrate_threshold(x, 2000, 0.99, seed=0)
    assert tau == measures.calibrate_threshold(x, 2000, 0.99, seed=0)
    assert 0.3 < tau < 0.9  # independent 10-d vectors: a 99 % cosine around 0.7


def test_memorization_ratio_by_hand():
    train = torch.tensor([[0.0, 0.0], [10.0, 0.0]])
    x = torch.tensor([[1.0, 0.0], [4.0, 0.0], [9.0, 0.0], [5.0, 0.0]])
    assert measures.memorized(x, train, RATIO).tolist() == [True, False, True, False]
    assert measures.memorization_ratio(x, train, RATIO) == 0.5


def test_jacobian_of_linear_map():
    a = torch.randn(6, 6, generator=torch.Generator().manual_seed(0), dtype=torch.float64)

    def linear(x, sigma):
        return x @ a.T * sigma.view(-1, 1)

    x = torch.randn(3, 6, dtype=torch.float64)
    jac = measures.jacobians(linear, x, torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))
    torch.testing.assert_close(jac[2], 3 * a)


def test_on_subspace_fraction():
    assert measures.on_subspace_fraction(np.array([0.01, 0.2, 0.05, 0.1])) == 0.5


COUNTS = [(48, 64, 15216), (48, 128, 46768), (48, 256, 159024), (64, 256, 167232)]


@pytest.mark.parametrize(("n", "width", "count"), COUNTS)
def test_mlp_parameter_counts(n, width, count):
    assert parameter_count(build(n, width, 0)) == count


def test_mlp_features_and_seed():
    f = noise_features(torch.tensor([0.0, 1.0]))
    assert f.shape == (2, 10)
    assert float(f[1, 0]) == pytest.approx(np.sin(np.pi / 4))
    a, b = build(48, 64, 1), build(48, 64, 1)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    out = a(torch.zeros(3, 3, 4, 4), torch.zeros(3))
    assert out.shape == (3, 3, 4, 4)


def test_ddpmpp_parameter_counts():
    from diffgen.images.edm.songunet import config_parameter_count
    from diffgen.repro import networks, unet

    cifar = networks.describe("ddpmpp", [3, 32, 32], 64, "vp")
    assert config_parameter_count(unet.config(cifar)) == 13_956_931
    mol = networks.describe("ddpmpp", [3, 4, 4], 128, "edm")
    assert config_parameter_count(unet.config(mol)) == 54_415_491


def test_acceptance_on_hand_tables(tmp_path):
    import pandas as pd

    from diffgen.repro.acceptance import checks

    Ns = [16, 64, 256, 1024]
    rows = [{"panel": "gl", "series": s, "N": N, "value": v}
            for s, vals in (("C64", [0, 0.9, 1, 1]), ("C256", [0, 0, 0.8, 1]))
            for N, v in zip(Ns, vals, strict=True)]  # fmt: skip
    rows += [{"panel": "rp", "series": "64v256", "N": N, "value": v}
             for N, v in zip(Ns, [0.7, 0.2, 0.5, 0.8], strict=True)]  # fmt: skip
    pd.DataFrame(rows).to_csv(tmp_path / "fig2.csv", index=False)
    pd.DataFrame([{"series": "C64", "N": N, "value": v}
                  for N, v in zip(Ns, [0.5, 0.3, 0.1, 0.0], strict=True)]).to_csv(
        tmp_path / "fig4.csv", index=False)  # fmt: skip
    assert all(ok for _, ok in checks(tmp_path))
