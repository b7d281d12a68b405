"""Study 1's measurement jobs against independent computations of their definitions.

Each job runs through the CLI on a tiny grammar (q = 6, l = 2: four leaves,
1,296 strings) and tiny random networks; the test recomputes the job's numbers
from the definition in plain numpy: the posterior of BP_k by enumerating every
string under the (factorised) grammar, the model through its forward pass, the
KLs, overlaps, nearest-neighbour histograms and reverse chains by hand. The
only project code used for the expected values is the seeded noise stream (the
job's input, not the quantity) and the network itself.

Every check is parametrised with wrong definitions (arguments swapped, the
other data set, another oracle) that must NOT match: the test would catch them.
"""

from __future__ import annotations

import json
from dataclasses import replace

import h5py
import numpy as np
import pandas as pd
import pytest
import torch
from conftest import paper_transformer

from diffgen.biased import dataset
from diffgen.biased.checkpoints import checkpoint_payload
from diffgen.biased.network import TransformerDenoiser
from diffgen.biased.samples import save_samples
from diffgen.cli import main
from diffgen.core.seeding import seeded_noise
from diffgen.core.torchio import save_torch

Q, DEPTH, LENGTH, T = 6, 2, 4, 25
DIFFUSION = {"diffusion": {"T": T, "beta_start": 1e-4, "beta_end": 0.02}}
EVALUATION = {**DIFFUSION, "mixed_precision": False, "eval_seed": 3, "batch_size": 512}
N = 24  # training-split size of the tiny models
MODEL = {"n": N, "split": 1, "seed": 0}
ARCH = replace(paper_transformer(), vocab=Q, length=LENGTH, d_model=16, heads=2, layers=1)
WRONG = ["swapped", "other_data"]
DEFINITIONS = ["right", *WRONG]


# --- the definitions, written out ------------------------------------------------------------


def alpha_bars() -> np.ndarray:
    """ᾱ_0..ᾱ_T of the rescaled linear schedule (ᾱ_0 = 1)."""
    betas = np.linspace(1e-4 * 1000 / T, 0.02 * 1000 / T, T)
    return np.concatenate([[1.0], np.cumprod(1 - betas)])


def noised(tokens: np.ndarray, t: int, eps: torch.Tensor) -> torch.Tensor:
    """x_t = √ᾱ_t x0 + √(1−ᾱ_t) ε in float32, as a job feeds its denoisers."""
    x0 = torch.as_tensor(np.eye(Q)[tokens], dtype=torch.float32)
    abar = torch.tensor(alpha_bars()[t], dtype=torch.float32)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * eps


def evaluation_x_t(tokens: np.ndarray, t: int, reps: int = 1) -> torch.Tensor:
    """The evaluation noise of a fixed step: stream −2−t of eval_seed, reps stacked."""
    tiled = np.tile(tokens, (reps, 1))
    eps = seeded_noise(EVALUATION["eval_seed"], -2 - t, 0, len(tiled), (LENGTH, Q))
    return noised(tiled, t, eps)


def grammar_prior(M: np.ndarray, k: int) -> np.ndarray:
    """p(x) over all q^4 strings for BP_k: the top k levels replaced by marginal transitions."""
    left, right = M.sum(2), M.sum(1)
    root = np.full(Q, 1 / Q)
    if k == 0:
        return np.einsum("a,abc,bde,cfg->defg", root, M, M, M)
    if k == 1:
        return np.einsum("a,ab,ac,bde,cfg->defg", root, left, right, M, M)
    return np.einsum("a,ad,ae,af,ag->defg", root, left @ left, left @ right, right @ left,
                     right @ right)  # fmt: skip


def posterior(prior: np.ndarray, x_t: torch.Tensor, t: int) -> np.ndarray:
    """p(x0_j | x_t) per position by enumeration: prior × Π_j exp(√ᾱ/(1−ᾱ) x_t,j·e_{x_j})."""
    abar = alpha_bars()[t]
    h = np.sqrt(abar) / (1 - abar) * x_t.double().numpy()  # (B, 4, q)
    logw = (np.log(np.maximum(prior, 1e-300))[None] + h[:, 0, :, None, None, None]
            + h[:, 1, None, :, None, None] + h[:, 2, None, None, :, None]
            + h[:, 3, None, None, None, :])  # fmt: skip
    w = np.exp(logw - logw.reshape(len(h), -1).max(1)[:, None, None, None, None])
    w /= w.reshape(len(h), -1).sum(1)[:, None, None, None, None]
    axes = [(2, 3, 4), (1, 3, 4), (1, 2, 4), (1, 2, 3)]
    return np.stack([w.sum(axis=a) for a in axes], axis=1)


def model_probs(path: str, x_t: torch.Tensor, t: int | np.ndarray) -> np.ndarray:
    """softmax of a checkpoint's logits, read straight from its weights."""
    net = TransformerDenoiser(ARCH)
    net.load_state_dict(torch.load(path, weights_only=True)["model"])
    t_vec = torch.as_tensor(np.broadcast_to(t, (len(x_t),)).copy(), dtype=torch.long)
    with torch.no_grad():
        return torch.softmax(net.eval()(x_t, t_vec), -1).double().numpy()


def kl(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Σ over positions and symbols of p log(p/q), both clipped at 1e-8: per row."""
    p, q = np.maximum(p, 1e-8), np.maximum(q, 1e-8)
    return (p * np.log(p / q)).sum(axis=(1, 2))


def mean_se(values: np.ndarray) -> tuple[float, float]:
    return values.mean(), values.std(ddof=1) / np.sqrt(len(values))


def check(found, expected, definition: str, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """The table equals the right definition, and differs from every wrong one."""
    found, expected = np.asarray(found, float), np.asarray(expected, float)
    if definition == "right":
        np.testing.assert_allclose(found, expected, rtol=rtol, atol=atol)
    else:
        assert not np.allclose(found, expected, rtol=rtol, atol=atol), definition


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The tiny dataset, its pools read straight from the file, and three random checkpoints."""
    folder = tmp_path_factory.mktemp("values")
    path = folder / "grammar.h5"
    dataset.save(dataset.generate(Q, DEPTH, 1.0, 4, 0, 3 * N, 64, 0), path, {})
    with h5py.File(path) as f:
        M = f["grammar/M"][...].astype(np.float64)
        train = f["train/sequences"][...].astype(np.int64)[N : 2 * N]  # split 1
        test = f["test/sequences"][...].astype(np.int64)
    checkpoints = {}
    for name, (split, seed, epoch) in {"a5": (1, 0, 5), "a9": (1, 0, 9), "b5": (2, 2, 5)}.items():
        torch.manual_seed(100 + len(checkpoints))
        model = TransformerDenoiser(ARCH)
        checkpoints[name] = str(folder / f"{name}.pt")
        save_torch(checkpoint_payload(model, epoch, {"n": N, "split": split, "seed": seed}),
                   checkpoints[name])  # fmt: skip
    return {"folder": folder, "data": str(path), "M": M, "train": train, "test": test,
            "ckpt": checkpoints}  # fmt: skip


_TABLES: dict = {}


def job_table(world, kind: str, spec: dict, *arguments: str) -> pd.DataFrame:
    """Run a job once per module (the parametrised cases share its table)."""
    if kind not in _TABLES:
        out = world["folder"] / f"{kind}.csv"
        argv = ["biased", kind, "--spec", json.dumps(spec), "--data", world["data"], *arguments,
                "--out", str(out), "--device", "cpu", "--threads", "1"]  # fmt: skip
        assert main(argv) == 0
        _TABLES[kind] = pd.read_csv(out, keep_default_na=False)
    return _TABLES[kind]


def pick(world, definition: str) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) for the right definition, exchanged for 'other_data'."""
    train, test = world["train"], world["test"]
    return (test, train) if definition == "other_data" else (train, test)


# --- the jobs ------------------------------------------------------------------------------


@pytest.mark.parametrize("definition", ["right", "other_data", "fixed_t"])
def test_loss_is_the_cross_entropy_of_the_clean_tokens(world, definition):
    spec = {**MODEL, **EVALUATION, "loss_sequences": 40, "train_loss_sequences": None}
    table = job_table(
        world, "loss", spec, "--checkpoints", world["ckpt"]["a5"], world["ckpt"]["a9"]
    )
    train, test = pick(world, definition)
    for row in table.itertuples():
        path = world["ckpt"]["a5" if row.epoch == 5 else "a9"]
        for name, tokens in (("train", train), ("test", test[:40])):
            n = len(tokens)
            steps = np.random.default_rng([EVALUATION["eval_seed"], 2]).integers(1, T + 1, n)
            if definition == "fixed_t":
                steps = np.full(n, 12)
            eps = seeded_noise(EVALUATION["eval_seed"], -2, 0, n, (LENGTH, Q))
            x_t = torch.stack([noised(tokens[i : i + 1], steps[i], eps[i : i + 1])[0]
                               for i in range(n)])  # fmt: skip
            p = model_probs(path, x_t, steps)
            expected = -np.log(np.take_along_axis(p, tokens[..., None], -1)).mean()
            check(getattr(row, f"{name}_loss"), expected, definition)


@pytest.mark.parametrize("definition", ["right", "other_data", "leaf_not_bp"])
def test_loss_decomposition_splits_against_the_exact_posterior(world, definition):
    spec = {**MODEL, **EVALUATION, "t_fraction": 0.3, "n_sequences": 20}
    table = job_table(world, "loss-decomposition", spec, "--checkpoints", world["ckpt"]["a5"])
    train, test = pick(world, definition)
    t = int(0.3 * T)
    prior = grammar_prior(world["M"], 2 if definition == "leaf_not_bp" else 0)
    for name, tokens in (("train", train[:20]), ("test", test[:20])):
        x_t = evaluation_x_t(tokens, t)
        log_model = np.log(model_probs(world["ckpt"]["a5"], x_t, t))
        x0, bp = np.eye(Q)[tokens], posterior(prior, x_t, t)
        row = table[(table["data"] == name) & (table["mode"] == "fixed")].iloc[0]
        assert row["t"] == t
        check(row["l_star"], -(bp * log_model).sum(-1).mean(), definition)
        check(row["l_tilde"], -((x0 - bp) * log_model).sum(-1).mean(), definition, atol=1e-6)


@pytest.mark.parametrize("definition", ["right", "swapped", "other_k"])
def test_bp_gap_is_kl_of_bp0_to_bp_k(world, definition):
    spec = {**EVALUATION, "t_fractions": [0.2, 0.6], "n_sequences": 12, "reps": 2, "ks": [1, 2]}
    table = job_table(world, "bp-gap", spec)
    for row in table.itertuples():
        x_t = evaluation_x_t(world["test"][:12], row.t, reps=2)
        k = {1: 2, 2: 1}[row.k] if definition == "other_k" else row.k
        exact, factorised = (posterior(grammar_prior(world["M"], j), x_t, row.t) for j in (0, k))
        values = kl(factorised, exact) if definition == "swapped" else kl(exact, factorised)
        check([row.kl_mean, row.kl_se], mean_se(values), definition)


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_sequential_is_kl_of_bp_k_to_the_model(world, definition):
    spec = {**MODEL, **EVALUATION, "t_fraction": 0.15, "n_sequences": 10, "reps": 2,
            "ks": [0, 1, 2]}  # fmt: skip
    table = job_table(world, "sequential", spec, "--checkpoints", world["ckpt"]["a5"])
    train, test = pick(world, definition)
    t = int(0.15 * T)
    for name, tokens in (("train", train[:10]), ("test", test[:10])):
        x_t = evaluation_x_t(tokens, t, reps=2)
        model = model_probs(world["ckpt"]["a5"], x_t, t)
        for k in (0, 1, 2):
            bp = posterior(grammar_prior(world["M"], k), x_t, t)
            values = kl(model, bp) if definition == "swapped" else kl(bp, model)
            row = table[(table["data"] == name) & (table["k"] == k)].iloc[0]
            check([row["kl_mean"], row["kl_se"]], mean_se(values), definition)


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_sample_split_is_kl_between_two_models_per_repetition(world, definition):
    """On held-out data and on the first model's own training data (the train panel)."""
    spec = {"n": N, "models": [{"split": 1, "seed": 0}, {"split": 2, "seed": 2}], "epochs": [5],
            "pairs": [{"first": 0, "second": 1, "same_split": False}], **EVALUATION,
            "t_fraction": 0.3, "n_sequences": 10, "reps": 3, "train_panel": True}  # fmt: skip
    table = job_table(world, "sample-split", spec, "--checkpoints", world["ckpt"]["a5"],
                      world["ckpt"]["b5"])  # fmt: skip
    assert sorted(set(table["data"])) == ["test", "train"]
    t = int(0.3 * T)
    train, test = pick(world, definition)  # the first model ("a5") trains on split 1
    for data, tokens in (("test", test[:10]), ("train", train[:10])):
        x_t = evaluation_x_t(tokens, t, reps=3)
        first, second = (model_probs(world["ckpt"][m], x_t, t) for m in ("a5", "b5"))
        values = kl(second, first) if definition == "swapped" else kl(first, second)
        for rep in range(3):
            row = table[(table["rep"] == rep) & (table["data"] == data)].iloc[0]
            check([row["kl_mean"], row["kl_se"]], mean_se(values[10 * rep : 10 * (rep + 1)]),
                  definition)  # fmt: skip


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_score_divergence_is_the_model_averaged_kl_of_bp0_to_the_model(world, definition):
    spec = {"n": N, **EVALUATION, "t_fractions": [0.2, 0.5], "n_sequences": 8, "reps": 2,
            "trajectory": "forward", "sampling_seed": 0}  # fmt: skip
    paths = [world["ckpt"]["a5"], world["ckpt"]["b5"]]
    table = job_table(world, "score-divergence", spec, "--checkpoints", *paths)
    tokens = world["train"][:8] if definition == "other_data" else world["test"][:8]
    for row in table.itertuples():
        x_t = evaluation_x_t(tokens, row.t, reps=2)
        bp = posterior(grammar_prior(world["M"], 0), x_t, row.t)
        models = [model_probs(p, x_t, row.t) for p in paths]
        values = np.mean([kl(m, bp) if definition == "swapped" else kl(bp, m) for m in models], 0)
        check([row.kl_mean, row.kl_se], mean_se(values), definition)


@pytest.mark.parametrize("definition", ["right", "swapped", "nearest_in_test"])
def test_nn_divergence_is_kl_of_generated_to_test_nearest_distance_histograms(world, definition):
    rng = np.random.default_rng(5)
    bank = world["folder"] / "bank.h5"
    if not bank.exists():
        generated = np.concatenate([world["train"][:30], rng.integers(0, Q, (30, LENGTH))])
        save_samples(bank, generated, {"epoch": 9})
    spec = {**MODEL, "n_samples": 40, "kl_floor": 1e-8}
    table = job_table(world, "nn-divergence", spec, "--samples", str(bank))
    with h5py.File(bank) as f:
        generated = f["tokens"][...].astype(np.int64)
    reference = world["test"] if definition == "nearest_in_test" else world["train"]

    def histogram(rows):
        nearest = [min(int((row != other).sum()) for other in reference) for row in rows]
        return np.array([nearest.count(d) for d in range(LENGTH + 1)]) / len(rows)

    gen, test = histogram(generated), histogram(world["test"][:40])
    p, q = (test, gen) if definition == "swapped" else (gen, test)
    p, q = np.clip(p, 1e-8, 1), np.clip(q, 1e-8, 1)
    row = table.iloc[0]
    assert row["epoch"] == 9
    check(row["nn_kl"], (p * np.log(p / q)).sum(), definition)


def reverse_chain(probs_of, x_t: torch.Tensor, t_start: int, seed: int) -> np.ndarray:
    """DDPM ancestral chain x_t -> x_0 with x̂0 plugged into q(x_{t-1}|x_t, x0); argmax at the end.

    The reverse noise of step t, row i, is the seeded stream (seed, t).
    """
    abar = alpha_bars()
    x = x_t.clone()
    for t in range(t_start, 0, -1):
        x0_hat = torch.as_tensor(probs_of(x, t), dtype=torch.float32)
        beta = 1 - abar[t] / abar[t - 1]
        mean = (np.sqrt(abar[t - 1]) * beta / (1 - abar[t]) * x0_hat
                + np.sqrt(1 - beta) * (1 - abar[t - 1]) / (1 - abar[t]) * x)  # fmt: skip
        if t == 1:
            x = mean
        else:
            std = np.sqrt(beta * (1 - abar[t - 1]) / (1 - abar[t]))
            x = mean + std * seeded_noise(seed, t, 0, len(x), (LENGTH, Q))
    return x.argmax(-1).numpy()


def uturn_overlap(probs_of, starts: np.ndarray, t: int, seed: int, reps: int) -> np.ndarray:
    """(reps, N) fraction of positions back at their start after noising to t and denoising."""
    tiled = np.tile(starts, (reps, 1))
    x_t = noised(tiled, t, seeded_noise(seed, T + 1 + t, 0, len(tiled), (LENGTH, Q)))
    return (reverse_chain(probs_of, x_t, t, seed + 1) == tiled).mean(1).reshape(reps, -1)


@pytest.mark.parametrize("definition", ["right", "other_data", "bp_not_model"])
def test_uturn_overlaps_and_ratio_from_train_and_test_starts(world, definition):
    spec = {**MODEL, **DIFFUSION, "mixed_precision": False, "t_fractions": [0.3, 0.6],
            "n_sequences": 6, "reps": 2, "reference": "test_loss_min", "uturn_seed": 7,
            "batch_size": 64}  # fmt: skip
    table = job_table(world, "uturn", spec, "--checkpoint", world["ckpt"]["a9"])
    train, test = pick(world, definition)
    prior = grammar_prior(world["M"], 0)

    def bp(x, t):
        return posterior(prior, x, t)

    def model(x, t):
        return model_probs(world["ckpt"]["a9"], x, t)

    for index, t in enumerate((7, 15)):
        for data_index, (name, tokens) in enumerate((("train", train[:6]), ("test", test[:6]))):
            seed = 7 + 1000 * index + 100 * data_index
            o_model = uturn_overlap(bp if definition == "bp_not_model" else model, tokens, t,
                                    seed, 2)  # fmt: skip
            o_bp = uturn_overlap(bp, tokens, t, seed, 2)
            means = zip(o_model.mean(0), o_bp.mean(0), strict=True)
            ratio = [m / b if b > 0 else np.nan for m, b in means]
            row = table[(table["t"] == t) & (table["data"] == name)].iloc[0]
            found = [row["overlap_model"], row["overlap_model_se"], row["overlap_bp"], row["ratio"]]
            expected = [*mean_se(o_model.mean(0)), o_bp.mean(0).mean(), np.nanmean(ratio)]
            if definition == "right" or index == 1:  # t = 15 tells every definition apart
                check(found, expected, definition, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("definition", ["right", "train_starts", "other_k"])
def test_uturn_random_overlaps_of_model_empirical_and_bp_k(world, definition):
    spec = {**MODEL, **DIFFUSION, "mixed_precision": False, "t_fractions": [0.2, 0.5],
            "n_sequences": 5, "reps": 2, "uturn_seed": 4, "batch_size": 64, "ks": [0, 2],
            "empirical_size": 8}  # fmt: skip
    table = job_table(world, "uturn-random", spec, "--checkpoints", world["ckpt"]["a5"],
                      "--labels", "first")  # fmt: skip
    key = [4, MODEL["split"], MODEL["seed"]]
    subset = world["train"][np.sort(np.random.default_rng(key).choice(N, 8, replace=False))]
    starts = np.random.default_rng([*key, 1]).integers(0, Q, size=(2, 10, LENGTH))
    if definition == "train_starts":
        starts = np.stack([np.tile(world["train"][:5], (2, 1))] * 2)

    def empirical(x, t):
        abar = alpha_bars()[t]
        x0 = np.eye(Q)[subset]  # (S, L, q)
        d2 = ((x.double().numpy()[:, None] - np.sqrt(abar) * x0[None]) ** 2).sum((2, 3))
        w = np.exp(-(d2 - d2.min(1, keepdims=True)) / (2 * (1 - abar)))
        return np.einsum("bs,slq->blq", w / w.sum(1, keepdims=True), x0)

    def oracle(k):
        prior = grammar_prior(world["M"], {0: 2, 2: 0}[k] if definition == "other_k" else k)
        return lambda x, t: posterior(prior, x, t)

    denoisers = {"model": lambda x, t: model_probs(world["ckpt"]["a5"], x, t),
                 "empirical": empirical, "bp0": oracle(0), "bp2": oracle(2)}  # fmt: skip
    for index, t in enumerate((5, 12)):
        for name, probs_of in denoisers.items():
            values = uturn_overlap(probs_of, starts[index], t, 4 + 1000 * index, 1)
            expected = mean_se(values.reshape(2, 5).mean(0))
            row = table[(table["t"] == t) & (table["denoiser"] == name)].iloc[0]
            if definition == "right":
                check([row["overlap"], row["overlap_se"]], expected, "right", 1e-9, 1e-12)
            elif (definition == "train_starts") == (name in ("model", "empirical")) and t == 12:
                check([row["overlap"], row["overlap_se"]], expected, definition, 1e-9, 1e-12)


@pytest.mark.parametrize("definition", ["right", "train_loss", "not_seed_averaged"])
def test_reference_epochs_are_minima_of_the_seed_averaged_curves(world, definition):
    folder = world["folder"]
    epochs = np.array([1, 2, 4, 8, 16])
    tables = {  # seed 0 alone has its minimum at 4; the seed average at 8; train at 16
        0: [5.0, 3.0, 1.0, 1.5, 2.0],
        1: [5.0, 4.0, 3.0, 1.0, 2.5],
    }
    paths = []
    for seed, test_loss in tables.items():
        frame = pd.DataFrame({"n": N, "split": seed, "seed": seed, "epoch": epochs,
                              "test_loss": test_loss, "train_loss": [5, 4, 3, 2, 1]})  # fmt: skip
        paths.append(folder / f"loss{seed}.csv")
        frame.to_csv(paths[-1], index=False)
    out = folder / "reference.json"
    argv = ["biased", "reference-epochs", "--loss", *map(str, paths), "--out", str(out)]
    assert main(argv) == 0
    found = json.loads(out.read_text())["test_loss_min"]
    curves = {
        "right": np.mean(list(tables.values()), 0),
        "train_loss": np.array([5, 4, 3, 2, 1]),
        "not_seed_averaged": np.array(tables[0]),
    }
    check(found, epochs[int(np.argmin(curves[definition]))], definition)


def test_the_tiny_posteriors_are_proper_and_differ_by_k(world):
    """The enumeration itself: normalised marginals, and BP_0 ≠ BP_1 ≠ BP_2 (else the
    'other_k' cases would prove nothing)."""
    x_t = evaluation_x_t(world["test"][:4], 6)
    posts = [posterior(grammar_prior(world["M"], k), x_t, 6) for k in (0, 1, 2)]
    for k, post in enumerate(posts):
        assert grammar_prior(world["M"], k).sum() == pytest.approx(1.0)
        np.testing.assert_allclose(post.sum(-1), 1.0)
    assert kl(posts[0], posts[1]).min() > 1e-4 and kl(posts[0], posts[2]).min() > 1e-4
