"""Measurements of the face models: generation split, noise-prediction split, reference epochs."""

import contextlib
import json

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import paper_ddpm

from diffgen.biased.faces.generation import closest_to_mean, pair_rows, representatives
from diffgen.biased.faces.noise_prediction import compare, noised_inputs, pooled
from diffgen.biased.faces.reference import reference_epochs
from diffgen.cli import main

DDPM = paper_ddpm(50)
GEN = torch.Generator().manual_seed(0)


def test_pair_similarity_is_one_for_identical_banks_and_symmetric():
    bank = np.random.default_rng(0).random((2, 16, 1, 4, 4)).astype(np.float32)
    other = np.random.default_rng(1).random((2, 16, 1, 4, 4)).astype(np.float32)
    rows = pair_rows({0: bank, 1: bank.copy(), 2: other}, [10, 20], [(0, 1), (0, 2)], "cpu")
    table = pd.DataFrame(rows)
    same = table[(table["a"] == 0) & (table["b"] == 1)]
    assert np.allclose(same["similarity"], 1.0) and (same["samples"] == 16).all()
    assert set(table["epoch"]) == {10, 20} and len(table) == 4
    assert (table[table["b"] == 2]["similarity"] < 0.5).all()


def test_representatives_are_the_pairs_nearest_the_mean_and_their_nn_is_in_the_own_split():
    sims = torch.tensor([0.9, 0.5, 0.71, 0.69, 0.2])  # mean 0.6
    assert closest_to_mean(sims, 3).tolist() == [3, 1, 2]
    train_a = torch.rand((12, 1, 5, 5), generator=GEN)
    train_b = torch.rand((12, 1, 5, 5), generator=GEN)
    samples_a = train_a[[3, 7, 1]] * 2 + 0.1  # affine copies: Pearson 1 with their source
    samples_b = train_b[[5, 0, 9]]
    rep = representatives(samples_a, samples_b, train_a, train_b, 3, "cpu")
    picked = rep["index"].tolist()
    assert sorted(picked) == [0, 1, 2]
    assert rep["nn_a_index"].tolist() == [[3, 7, 1][i] for i in picked]
    assert rep["nn_b_index"].tolist() == [[5, 0, 9][i] for i in picked]
    torch.testing.assert_close(rep["nn_a_similarity"], torch.ones(3))


def test_pooled_mean_and_se_equal_those_of_all_values():
    groups = [np.random.default_rng(i).normal(i, 1 + i, 50 + 7 * i) for i in range(4)]
    mean, se = pooled(
        [g.mean() for g in groups], [g.var() for g in groups], [g.size for g in groups]
    )
    values = np.concatenate(groups)
    assert mean == pytest.approx(values.mean())
    assert se == pytest.approx(values.std(ddof=1) / np.sqrt(values.size))


def test_noise_prediction_inputs_cycle_the_images_with_their_own_noise():
    images = torch.rand((3, 1, 4, 4), generator=GEN)
    x, eps = noised_inputs(images, 7, 10, DDPM, seed=0)
    abar = float(DDPM.alpha_bar(10))
    torch.testing.assert_close(x[4], abar**0.5 * images[1] + (1 - abar) ** 0.5 * eps[4])
    assert not torch.allclose(eps[1], eps[4])
    again, _ = noised_inputs(images, 4, 10, DDPM, seed=0)
    torch.testing.assert_close(again, x[:4])  # row j does not depend on the count


def test_noise_prediction_compare_counts_pairs_and_identical_models_agree():
    net = torch.nn.Conv2d(1, 1, 3, padding=1)

    def model(x, k):
        return net(x)

    def flipped(x, k):
        return -net(x)

    test = torch.rand((5, 1, 4, 4), generator=GEN)
    splits = [torch.rand((4, 1, 4, 4), generator=GEN) for _ in range(3)]
    with torch.no_grad():
        rows = pd.DataFrame(
            compare([model, model, flipped], test, splits, [5, 20], 9, DDPM, 0, 4, "cpu")
        )
    cosine = rows[rows["quantity"] == "cosine"]
    assert len(cosine) == 2 * (6 + 6)  # per k: 6 ordered pairs on test, 2 per model's split
    same = cosine[
        ((cosine["a"] == 0) & (cosine["b"] == 1)) | ((cosine["a"] == 1) & (cosine["b"] == 0))
    ]
    assert np.allclose(same["mean"], 1.0) and np.allclose(same["var"], 0.0, atol=1e-10)
    with_flipped = cosine[(cosine["a"] == 2) | (cosine["b"] == 2)]
    assert len(with_flipped) == 2 * (4 + 4) and np.allclose(with_flipped["mean"], -1.0)
    mse = rows[rows["quantity"] == "mse"]
    assert len(mse) == 2 * (3 + 3) and (mse["count"] == 9).all()
    assert set(mse[mse["set"] == "train"]["a"]) == {0, 1, 2}


def test_reference_epochs_are_the_minima_of_the_median_curves():
    sims = {10: [0.70, 0.72, 0.71], 20: [0.80, 0.79, 0.90], 30: [0.75, 0.70, 0.74]}
    pairs = [(0, 1), (0, 2), (1, 2)]
    similarity = pd.DataFrame(
        [{"epoch": e, "a": a, "b": b, "similarity": s}
         for e, values in sims.items() for (a, b), s in zip(pairs, values, strict=True)]
    )  # fmt: skip
    losses = {10: [0.5, 0.6, 0.4], 20: [0.3, 0.35, 0.2], 30: [0.25, 0.36, 0.1], 40: [0.0] * 3}
    loss = pd.DataFrame(
        [{"split": s, "epoch": e, "test_loss": v} for e, values in losses.items()
         for s, v in enumerate(values)]
    )  # fmt: skip
    chosen = reference_epochs(similarity, loss)
    assert chosen["tau_cos"] == 20 and chosen["tau_loss"] == 30  # medians 0.80 and 0.25
    assert chosen["generation_epochs"] == [10, 20, 30] and chosen["tau_cos_before_tau_loss"]
    assert chosen["distance_at_tau_cos"] == pytest.approx(0.20)


@pytest.mark.parametrize(
    ("tau_cos", "tau_loss", "status", "verdict"), [(111, 1026, 0, "yes"), (1026, 111, 1, "no")]
)
def test_acceptance_check_prints_the_verdict_and_exits_with_it(
    tmp_path, capsys, tau_cos, tau_loss, status, verdict
):
    path = tmp_path / "reference.json"
    epochs = [111, 213, 1026]
    path.write_text(
        json.dumps({"tau_cos": tau_cos, "tau_loss": tau_loss, "generation_epochs": epochs})
    )
    with pytest.raises(SystemExit) if status else contextlib.nullcontext() as exit_info:
        main(["biased", "faces-acceptance", "--reference", str(path)])
    if status:
        assert exit_info.value.code == status
    out = capsys.readouterr().out
    assert f"tau_cos = {tau_cos}, tau_loss = {tau_loss}" in out
    assert f"tau_cos < tau_loss: {verdict}" in out
    assert ("last generation checkpoint" in out) == (tau_loss == 1026)
    path.write_text("{}")
    assert main(["biased", "faces-acceptance", "--reference", str(path)]) == 2
