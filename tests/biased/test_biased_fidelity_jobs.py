"""Study 1's measurement jobs on a tiny grammar and tiny random models (seconds).

The jobs run in-process through the CLI; the checkpoints are untrained
networks saved in the training job's format, so no training is needed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import paper_transformer

from diffgen.biased import dataset
from diffgen.biased.checkpoints import checkpoint_payload
from diffgen.biased.denoisers import ModelDenoiser
from diffgen.biased.evaluation import fixed_noisy_batch, mean_cross_entropy
from diffgen.biased.jobs.uturn_random import random_starts
from diffgen.biased.metrics.kl import sequence_kl
from diffgen.biased.network import TransformerDenoiser
from diffgen.biased.oracle import BPDenoiser
from diffgen.cli import main
from diffgen.core.diffusion.gaussian import linear_schedule
from diffgen.core.torchio import save_torch

T = 25
DIFFUSION = {"diffusion": {"T": T, "beta_start": 1e-4, "beta_end": 0.02}}
EVALUATION = {**DIFFUSION, "mixed_precision": False, "eval_seed": 0, "batch_size": 512}
N = 32  # training-set size of the tiny models
ARCH = replace(paper_transformer(), d_model=16, heads=2, layers=1)


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "grammar.h5"
    dataset.save(dataset.generate(6, 4, 1.0, 4, 0, 256, 128, 0), path, {})
    return path


def save_checkpoint(folder: Path, split: int, seed: int, epoch: int, weights_seed: int) -> str:
    """A random network saved as the training job saves epoch ``epoch`` of (N, split, seed)."""
    torch.manual_seed(weights_seed)
    model = TransformerDenoiser(ARCH)
    path = folder / f"n{N}_split{split}_seed{seed}_epoch{epoch}.pt"
    save_torch(checkpoint_payload(model, epoch, {"n": N, "split": split, "seed": seed}), path)
    return str(path)


def run_job(kind: str, spec: dict, *arguments: str) -> None:
    argv = ["biased", kind, "--spec", json.dumps(spec), *arguments, "--device", "cpu"]
    assert main([*argv, "--threads", "1"]) == 0


def test_sample_split_job_has_a_row_per_pair_epoch_and_repetition(tmp_path, data_file):
    models = [(0, 0), (1, 1), (2, 2), (0, 100)]
    epochs = [1, 5]
    paths = []
    for split, seed in models:
        for epoch in epochs:
            # weights by split: (0, 100) has (0, 0)'s, so their KL must be exactly 0
            paths.append(save_checkpoint(tmp_path, split, seed, epoch, 10 * split + epoch))
    pairs = [{"first": i, "second": j, "same_split": False} for i, j in ((0, 1), (0, 2), (1, 2))]
    pairs.append({"first": 0, "second": 3, "same_split": True})
    spec = {"n": N, "models": [{"split": s, "seed": d} for s, d in models], "epochs": epochs,
            "pairs": pairs, **EVALUATION, "t_fraction": 0.3, "n_sequences": 20,
            "reps": 3, "train_panel": False}  # fmt: skip
    out = tmp_path / "split.csv"
    run_job("sample-split", spec, "--data", str(data_file), "--checkpoints", *paths,
            "--out", str(out))  # fmt: skip
    table = pd.read_csv(out)
    assert len(table) == len(pairs) * len(epochs) * 3
    assert table.groupby(["epoch", "pair"]).size().eq(3).all()
    same = table[table["same_split"]]
    assert (same["kl_mean"] == 0.0).all() and same["pair"].eq("same0-0_0-100").all()
    disjoint = table[~table["same_split"]]
    assert (disjoint["kl_mean"] > 0).all()
    # one value by hand: pair (0, 1), epoch 5, repetition 2, on the job's noisy data
    ds = dataset.load(data_file)
    schedule = linear_schedule(T, 1e-4, 0.02)
    _, t_vec, x_t = fixed_noisy_batch(ds.test_set(20), 6, schedule, 0, t=7, reps=3)
    log = []
    for path in (paths[1], paths[3]):  # (split 0, epoch 5) and (split 1, epoch 5)
        payload = torch.load(path, weights_only=True)
        model = TransformerDenoiser(ARCH)
        model.load_state_dict(payload["model"])
        log.append(ModelDenoiser(model).log_probs(x_t, t_vec))
    hand = sequence_kl(log[0], log[1])[40:60].mean().item()
    row = table[(table["epoch"] == 5) & (table["pair"] == "disjoint0-0_1-1") & (table["rep"] == 2)]
    assert row["kl_mean"].item() == pytest.approx(hand, rel=1e-9)


def test_sample_split_job_names_a_checkpoint_of_the_wrong_model(tmp_path, data_file, capsys):
    paths = [save_checkpoint(tmp_path, 1, 1, 1, 0), save_checkpoint(tmp_path, 0, 0, 1, 0)]
    spec = {"n": N, "models": [{"split": 0, "seed": 0}, {"split": 1, "seed": 1}], "epochs": [1],
            "pairs": [{"first": 0, "second": 1, "same_split": False}], **EVALUATION,
            "t_fraction": 0.3, "n_sequences": 8, "reps": 1, "train_panel": False}  # fmt: skip
    argv = ["biased", "sample-split", "--spec", json.dumps(spec), "--data", str(data_file),
            "--checkpoints", *paths, "--out", str(tmp_path / "x.csv"),
            "--device", "cpu"]  # fmt: skip
    assert main(argv) == 2
    assert "expected (32, 0, 0, 1)" in capsys.readouterr().err


def test_score_divergence_forward_averages_models_per_sequence_at_every_step(tmp_path, data_file):
    paths = [save_checkpoint(tmp_path, s, s, 7, 50 + s) for s in range(2)]
    spec = {"n": N, **EVALUATION, "t_fractions": None, "n_sequences": 10, "reps": 2,
            "trajectory": "forward", "sampling_seed": 0}  # fmt: skip
    out = tmp_path / "score.csv"
    run_job("score-divergence", spec, "--data", str(data_file), "--checkpoints", *paths,
            "--out", str(out))  # fmt: skip
    table = pd.read_csv(out)
    assert table["t"].tolist() == list(range(1, T + 1))  # every step
    assert (table["epoch"] == 7).all() and (table["models"] == 2).all()
    ds, schedule = dataset.load(data_file), linear_schedule(T, 1e-4, 0.02)
    _, t_vec, x_t = fixed_noisy_batch(ds.test_set(10), 6, schedule, 0, t=4, reps=2)
    bp = BPDenoiser(ds.grammar.M, 4, schedule).log_probs(x_t, t_vec)
    per_row = 0
    for path in paths:
        model = TransformerDenoiser(ARCH)
        model.load_state_dict(torch.load(path, weights_only=True)["model"])
        per_row = per_row + sequence_kl(bp, ModelDenoiser(model).log_probs(x_t, t_vec)) / 2
    row = table[table["t"] == 4].iloc[0]
    assert row["kl_mean"] == pytest.approx(per_row.mean().item(), rel=1e-6)
    assert row["kl_se"] == pytest.approx(per_row.std().item() / np.sqrt(20), rel=1e-6)


def test_bp_gap_job_gives_kl_of_bp0_to_bp_k(tmp_path, data_file):
    spec = {**EVALUATION, "t_fractions": [0.2, 0.5], "n_sequences": 10, "reps": 2, "ks": [0, 2]}
    out = tmp_path / "gap.csv"
    run_job("bp-gap", spec, "--data", str(data_file), "--out", str(out))
    table = pd.read_csv(out)
    assert len(table) == 4 and set(table["t"]) == {5, 12}
    assert (table[table["k"] == 0]["kl_mean"].abs() < 1e-6).all()  # BP_0 against itself
    assert (table[table["k"] == 2]["kl_mean"] > 0).all()


def test_loss_job_uses_the_whole_training_split_by_default(tmp_path, data_file):
    path = save_checkpoint(tmp_path, 0, 0, 3, 1)
    base = {"n": N, "split": 0, "seed": 0, **DIFFUSION, "mixed_precision": False,
            "loss_sequences": 50, "eval_seed": 0, "batch_size": 16}  # fmt: skip
    losses = {}
    for count in (None, N, 10):
        out = tmp_path / f"loss{count}.csv"
        spec = {**base, "train_loss_sequences": count}
        run_job("loss", spec, "--data", str(data_file), "--checkpoints", path, "--out", str(out))
        losses[count] = pd.read_csv(out).iloc[0]
    assert losses[None]["train_loss"] == losses[N]["train_loss"]
    assert losses[10]["train_loss"] != losses[None]["train_loss"]
    ds, schedule = dataset.load(data_file), linear_schedule(T, 1e-4, 0.02)
    model = TransformerDenoiser(ARCH)
    model.load_state_dict(torch.load(path, weights_only=True)["model"])
    batch = fixed_noisy_batch(ds.test_set(50), 6, schedule, 0)
    assert losses[None]["test_loss"] == pytest.approx(mean_cross_entropy(ModelDenoiser(model),
                                                                         *batch))  # fmt: skip


def test_loss_decomposition_has_a_fixed_t_and_a_mean_over_t_panel(tmp_path, data_file):
    paths = [save_checkpoint(tmp_path, 0, 0, e, e) for e in (2, 4)]
    spec = {"n": N, "split": 0, "seed": 0, **EVALUATION, "t_fraction": 0.3, "n_sequences": 20}
    out = tmp_path / "dec.csv"
    run_job("loss-decomposition", spec, "--data", str(data_file), "--checkpoints", *paths,
            "--out", str(out))  # fmt: skip
    table = pd.read_csv(out)
    assert len(table) == 2 * 2 * 2  # epochs x data x modes
    assert set(table["mode"]) == {"fixed", "mean"}
    gap = (table["total"] - table["l_star"] - table["l_tilde"]).abs().max()
    assert gap < 1e-5


def test_random_starts_are_fresh_for_every_repetition_and_step():
    starts = random_starts([0, 1, 2, 1], steps=2, reps=3, n=4, length=16, q=6)
    assert starts.shape == (2, 12, 16)
    blocks = starts[0].reshape(3, 4, 16)
    assert not np.array_equal(blocks[0], blocks[1]) and not np.array_equal(starts[0], starts[1])
    np.testing.assert_array_equal(starts, random_starts([0, 1, 2, 1], 2, 3, 4, 16, 6))


def test_uturn_random_job_shows_every_checkpoint_and_bp_once(tmp_path, data_file):
    paths = [save_checkpoint(tmp_path, 0, 0, e, e) for e in (2, 9)]
    spec = {"n": N, "split": 0, "seed": 0, **DIFFUSION, "mixed_precision": False,
            "t_fractions": [0.3, 0.5], "n_sequences": 4, "reps": 2, "uturn_seed": 0,
            "batch_size": 64, "ks": [0, 4], "empirical_size": 8}  # fmt: skip
    out = tmp_path / "ur.csv"
    run_job("uturn-random", spec, "--data", str(data_file), "--checkpoints", *paths,
            "--labels", "first", "test_loss_min+last", "--out", str(out))  # fmt: skip
    table = pd.read_csv(out, keep_default_na=False)
    model = table[table["denoiser"] == "model"]
    assert len(model) == 2 * 2 and set(model["checkpoint"]) == {"first", "test_loss_min+last"}
    others = table[table["denoiser"] != "model"]
    assert sorted(set(others["denoiser"])) == ["bp0", "bp4", "empirical"]
    assert len(others) == 3 * 2 and (others["epoch"] == "").all()
    assert table["overlap"].between(0, 1).all()
