"""Study 1's face measurement jobs against independent computations of their definitions.

Each job runs through the CLI on a tiny synthetic face set (8×8 gray, three
splits of 8) with tiny random U-Nets; the test recomputes the job's numbers
from the definition in plain numpy: ᾱ from the rescaled linear schedule, x_k by
hand, ε̂ from the network's own forward pass, per-image MSEs, cosines, Pearson
correlations, nearest neighbours and medians by loops. The only project code
used for the expected values is the seeded noise stream (the job's input, not
the quantity) and the network itself.

Every check is parametrised with wrong definitions (train and test exchanged,
another split, another metric, misaligned samples, mean for median) that must
NOT match: the test would catch them.
"""

from __future__ import annotations

import json

import h5py
import numpy as np
import pandas as pd
import pytest
import torch

from diffgen.cli import main
from diffgen.core.seeding import seeded_noise
from diffgen.core.torchio import save_torch
from diffgen.images.checkpoints import checkpoint_payload
from diffgen.images.ddpm import INPUTS_BASE, LOSS_BASE
from diffgen.images.samples import save_bank
from diffgen.images.unet import UNet, UNetConfig

SPLITS, N, N_TEST, SIZE, T = 3, 8, 8, 8, 25
DIFFUSION = {"diffusion": {"T": T, "beta_start": 1e-4, "beta_end": 0.02}}
ARCH = {"base": 8, "mults": [1, 2], "attention": [False, True], "res_blocks": 1,
        "dropout": 0.1, "groups": 8}  # fmt: skip
EPOCHS = [3, 7]


def check(found, expected, definition: str, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """The table equals the right definition, and differs from every wrong one."""
    found, expected = np.asarray(found, float), np.asarray(expected, float)
    if definition == "right":
        np.testing.assert_allclose(found, expected, rtol=rtol, atol=atol)
    else:
        assert not np.allclose(found, expected, rtol=rtol, atol=atol), definition


def alpha_bars() -> np.ndarray:
    """ᾱ_k for k = 0..T−1: betas linear from 1e-4·1000/T to 0.02·1000/T."""
    betas = np.linspace(1e-4 * 1000 / T, 0.02 * 1000 / T, T)
    return np.cumprod(1 - betas)


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    x, y = x.ravel().astype(np.float64), y.ravel().astype(np.float64)
    x, y = x - x.mean(), y - y.mean()
    return float((x * y).sum() / np.sqrt((x * x).sum() * (y * y).sum()))


def cosine(x: np.ndarray, y: np.ndarray) -> float:
    x, y = x.ravel().astype(np.float64), y.ravel().astype(np.float64)
    return float((x * y).sum() / np.sqrt((x * x).sum() * (y * y).sum()))


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def faces(tmp_path_factory):
    """The data file and its raw arrays, read with h5py (train pool, test pool, mean)."""
    path = tmp_path_factory.mktemp("faces") / "faces.h5"
    spec = {"data": {"path": "", "size": SIZE, "seed": 0}, "splits": SPLITS, "n": N,
            "n_test": N_TEST}  # fmt: skip
    assert main(["biased", "faces-data", "--spec", json.dumps(spec), "--out", str(path)]) == 0
    with h5py.File(path, "r") as f:
        train, test = f["train/images"][...], f["test/images"][...]
        mean = float(f.attrs["mean"])
    assert train.shape == (SPLITS * N, 1, SIZE, SIZE) and test.shape == (N_TEST, 1, SIZE, SIZE)
    return {"path": path, "train": train, "test": test, "mean": mean}


def split_of(faces, s: int) -> np.ndarray:
    """Training split s: rows [s·N, (s+1)·N) of the pool."""
    return faces["train"][s * N : (s + 1) * N]


def random_unet(seed: int) -> UNet:
    """A tiny U-Net with every weight moved off its initialisation (no zero output layer)."""
    torch.manual_seed(seed)
    net = UNet(UNetConfig(**{**ARCH, "mults": tuple(ARCH["mults"]),
                             "attention": tuple(ARCH["attention"])}))  # fmt: skip
    gen = torch.Generator().manual_seed(100 + seed)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(0.1 * torch.randn(p.shape, generator=gen))
    return net.eval()


def save_unet(net: UNet, path, epoch: int) -> str:
    config = {**ARCH, "in_channels": 1, "out_channels": 1, "heads": net.config.heads,
              "time_steps": net.config.time_steps}  # fmt: skip
    save_torch(checkpoint_payload(net, "unet", config, epoch, {}), path)
    return str(path)


def eps_hat(net: UNet, x: np.ndarray, k) -> np.ndarray:
    """The network's ε̂ at step k (one for all rows, or one per row), in one call."""
    steps = torch.as_tensor(np.broadcast_to(k, (len(x),)).copy(), dtype=torch.long)
    with torch.no_grad():
        out = net(torch.as_tensor(x, dtype=torch.float32), steps)
    return out.double().numpy()


@pytest.fixture(scope="module")
def nets():
    return [random_unet(seed) for seed in range(SPLITS)]


# --- faces-loss ----------------------------------------------------------------------------

LOSS_SPEC = {"split": 1, "n": N, **DIFFUSION, "images": 5, "seed": 4, "batch_size": 256}


@pytest.fixture(scope="module")
def loss_table(faces, nets, tmp_path_factory):
    folder = tmp_path_factory.mktemp("loss")
    paths = [save_unet(nets[i], folder / f"epoch{e}.pt", e) for i, e in enumerate(EPOCHS)]
    out = folder / "loss.csv"
    args = ["biased", "faces-loss", "--data", str(faces["path"]), "--checkpoints", *paths,
            "--spec", json.dumps(LOSS_SPEC), "--out", str(out), "--device", "cpu"]  # fmt: skip
    assert main(args) == 0
    return pd.read_csv(out)


_LOSSES = {}


def expected_loss(net: UNet, images: np.ndarray, mean: float) -> tuple[float, float]:
    """Mean and s.e. over every step k and image j of mean-over-pixels (ε̂ − ε)²."""
    key = (id(net), images.tobytes(), mean)
    if key not in _LOSSES:
        _LOSSES[key] = _loss(net, images, mean)
    return _LOSSES[key]


def _loss(net: UNet, images: np.ndarray, mean: float) -> tuple[float, float]:
    abar, count = alpha_bars(), LOSS_SPEC["images"]
    x0 = images[:count].astype(np.float32) - np.float32(mean)
    xs, noises, steps = [], [], []
    for k in range(T):
        eps = seeded_noise(LOSS_SPEC["seed"], LOSS_BASE - k, 0, count, x0.shape[1:]).numpy()
        xs.append(np.float32(np.sqrt(abar[k])) * x0 + np.float32(np.sqrt(1 - abar[k])) * eps)
        noises.append(eps)
        steps += [k] * count
    error = eps_hat(net, np.concatenate(xs), np.asarray(steps)) - np.concatenate(noises)
    values = np.asarray([float((row**2).mean()) for row in error])
    return values.mean(), values.std(ddof=1) / np.sqrt(values.size)


@pytest.mark.parametrize("definition", ["right", "swapped", "other_split", "uncentred"])
def test_faces_loss_is_the_eps_mse_over_every_step(loss_table, faces, nets, definition):
    split = LOSS_SPEC["split"]
    test, train = faces["test"], split_of(faces, split)
    mean = faces["mean"]
    if definition == "swapped":
        test, train = train, test
    elif definition == "other_split":
        train = split_of(faces, split + 1)
    elif definition == "uncentred":
        mean = 0.0
    assert list(loss_table["epoch"]) == EPOCHS and (loss_table["split"] == split).all()
    for i, row in loss_table.iterrows():
        found = [row["test_loss"], row["test_loss_se"], row["train_loss"], row["train_loss_se"]]
        check(found, [*expected_loss(nets[i], test, mean), *expected_loss(nets[i], train, mean)],
              definition)  # fmt: skip


# --- faces-noise-prediction ----------------------------------------------------------------

NP_SPEC = {"epoch": 5, "splits": SPLITS, "n": N, **DIFFUSION, "ks": [2, 17], "inputs": 11,
           "seed": 6, "batch_size": 64}  # fmt: skip


@pytest.fixture(scope="module")
def prediction_table(faces, nets, tmp_path_factory):
    folder = tmp_path_factory.mktemp("prediction")
    paths = [
        save_unet(net, folder / f"model{i}.pt", NP_SPEC["epoch"]) for i, net in enumerate(nets)
    ]
    out = folder / "prediction.csv"
    args = ["biased", "faces-noise-prediction", "--data", str(faces["path"]),
            "--checkpoints", *paths, "--spec", json.dumps(NP_SPEC), "--out", str(out),
            "--device", "cpu"]  # fmt: skip
    assert main(args) == 0
    return pd.read_csv(out)


def inputs_at(images: np.ndarray, k: int, mean: float) -> tuple[np.ndarray, np.ndarray]:
    """Row j: image j mod M (centred) noised with row j of seeded step INPUTS_BASE − k."""
    count, abar = NP_SPEC["inputs"], alpha_bars()[k]
    x0 = np.stack([images[j % len(images)] for j in range(count)]).astype(np.float32)
    x0 -= np.float32(mean)
    eps = seeded_noise(NP_SPEC["seed"], INPUTS_BASE - k, 0, count, x0.shape[1:]).numpy()
    return np.float32(np.sqrt(abar)) * x0 + np.float32(np.sqrt(1 - abar)) * eps, eps


_PREDICTIONS = {}


def predictions(faces, nets, k: int, source) -> tuple:
    """(x_k, ε, ε̂ of every model) on the test set (source "test") or split ``source``."""
    if (k, source) not in _PREDICTIONS:
        images = faces["test"] if source == "test" else split_of(faces, source)
        x_k, eps = inputs_at(images, k, faces["mean"])
        _PREDICTIONS[k, source] = x_k, eps, [eps_hat(net, x_k, k) for net in nets]
    return _PREDICTIONS[k, source]


def stats(values: list[float]) -> list[float]:
    values = np.asarray(values)
    return [values.mean(), values.var(), values.size]


@pytest.mark.parametrize("definition", ["right", "swapped", "test_for_train"])
def test_noise_prediction_rows_are_cosines_and_mses_on_each_models_inputs(
    prediction_table, faces, nets, definition
):
    table = prediction_table
    assert (table["epoch"] == NP_SPEC["epoch"]).all()
    for k in NP_SPEC["ks"]:
        for (name, a), rows in table[table["k"] == k].groupby(["set", "a"]):
            # Wrong definitions of the train rows: another model's split, or the test set.
            owner = (a + 1) % SPLITS if definition == "swapped" else a
            source = "test" if name == "test" or definition == "test_for_train" else owner
            x_k, eps, preds = predictions(faces, nets, k, source)
            for _, row in rows.iterrows():
                b = int(row["b"])
                if row["quantity"] == "cosine":
                    values = [cosine(preds[a][j], preds[b][j]) for j in range(len(x_k))]
                else:
                    assert b == a
                    values = [float(((preds[a][j] - eps[j]) ** 2).mean()) for j in range(len(x_k))]
                found = [row["mean"], row["var"], row["count"]]
                check(found, stats(values), "right" if name == "test" else definition)
    # Every ordered pair on the test set, each model's pairs on its own split, one MSE per set.
    cos = table[table["quantity"] == "cosine"]
    assert len(cos) == len(NP_SPEC["ks"]) * 2 * SPLITS * (SPLITS - 1)
    assert len(table[table["quantity"] == "mse"]) == len(NP_SPEC["ks"]) * 2 * SPLITS


# --- faces-pairs ---------------------------------------------------------------------------

PAIRS_SPEC = {"splits": SPLITS, "n": N, "pair": [0, 2], "rep_k": 3}
SAMPLES = 7


@pytest.fixture(scope="module")
def pairs(faces, tmp_path_factory):
    """Random sample banks (two epochs) of every model, the job's two outputs, the banks."""
    folder = tmp_path_factory.mktemp("pairs")
    rng = np.random.default_rng(11)
    banks, paths = {}, []
    for s in range(SPLITS):
        banks[s] = rng.normal(size=(len(EPOCHS), SAMPLES, 1, SIZE, SIZE)).astype(np.float32)
        # Shared structure, so that the pairs' similarities differ from zero and each other.
        banks[s] += (s + 1) * 0.3 * banks[0][:, :, :1]
        paths.append(str(folder / f"bank{s}.h5"))
        save_bank(paths[-1], banks[s], EPOCHS, {}, {"split": s})
    similarity, reps = folder / "similarity.csv", folder / "reps.h5"
    args = ["biased", "faces-pairs", "--data", str(faces["path"]), "--samples", *paths,
            "--spec", json.dumps(PAIRS_SPEC), "--similarity", str(similarity),
            "--representatives", str(reps), "--device", "cpu"]  # fmt: skip
    assert main(args) == 0
    with h5py.File(reps, "r") as f:
        arrays = {name: f[name][...] for name in ("index", "similarity", "nn_a_index",
                                                  "nn_b_index", "nn_a_similarity")}  # fmt: skip
    return pd.read_csv(similarity), arrays, banks


@pytest.mark.parametrize("definition", ["right", "cosine", "misaligned"])
def test_pair_similarity_is_the_mean_pearson_of_same_noise_samples(faces, pairs, definition):
    table, _, banks = pairs
    measure = cosine if definition == "cosine" else pearson
    shift = 1 if definition == "misaligned" else 0
    assert len(table) == len(EPOCHS) * SPLITS * (SPLITS - 1) // 2
    for _, row in table.iterrows():
        g, a, b = EPOCHS.index(int(row["epoch"])), int(row["a"]), int(row["b"])
        assert a < b
        sims = np.asarray([measure(banks[a][g, j], banks[b][g, (j + shift) % SAMPLES])
                           for j in range(SAMPLES)])  # fmt: skip
        se = sims.std(ddof=1) / np.sqrt(SAMPLES)
        check([row["similarity"], row["similarity_se"], row["samples"]],
              [sims.mean(), se, SAMPLES], definition)  # fmt: skip


@pytest.mark.parametrize("definition", ["right", "swapped"])
def test_representatives_are_nearest_the_mean_with_nearest_images_of_the_own_split(
    faces, pairs, definition
):
    _, reps, banks = pairs
    a, b = PAIRS_SPEC["pair"]
    own = {"a": b, "b": a} if definition == "swapped" else {"a": a, "b": b}
    for g in range(len(EPOCHS)):
        sims = np.asarray([pearson(banks[a][g, j], banks[b][g, j]) for j in range(SAMPLES)])
        gaps = np.abs(sims - sims.mean())
        index = sorted(range(SAMPLES), key=lambda j: (gaps[j], j))[: PAIRS_SPEC["rep_k"]]
        np.testing.assert_array_equal(reps["index"][g], index)
        np.testing.assert_allclose(reps["similarity"][g], sims[index], rtol=1e-5)
        found, expected = [], []
        for side, model in (("a", a), ("b", b)):
            train = split_of(faces, own[side])
            for r, j in enumerate(index):
                scores = [pearson(banks[model][g, j], image) for image in train]
                found.append(reps[f"nn_{side}_index"][g, r])
                expected.append(int(np.argmax(scores)))
                if side == "a" and definition == "right":
                    assert reps["nn_a_similarity"][g, r] == pytest.approx(max(scores), rel=1e-5)
        check(found, expected, definition, rtol=0, atol=0)


# --- faces-reference -----------------------------------------------------------------------


@pytest.mark.parametrize("definition", ["right", "mean", "train_loss"])
def test_reference_job_takes_the_minima_of_the_median_curves(tmp_path, definition):
    rng = np.random.default_rng(5)
    epochs, pairs_ = [10, 20, 40, 80], [(0, 1), (0, 2), (1, 2)]
    similarity = pd.DataFrame(
        [{"epoch": e, "a": a, "b": b, "similarity": rng.uniform(0.2, 0.9), "similarity_se": 0.01,
          "samples": 8} for e in epochs for a, b in pairs_]
    )  # fmt: skip
    loss = pd.DataFrame(
        [{"split": s, "epoch": e, "test_loss": rng.uniform(0.1, 1.0), "test_loss_se": 0.01,
          "train_loss": rng.uniform(0.1, 1.0), "train_loss_se": 0.01}
         for e in [*epochs, 160] for s in range(3)]
    )  # fmt: skip
    # One model's outlier at 20 moves the mean's minimum there, not the median's.
    loss.loc[(loss["epoch"] == 20) & (loss["split"] == 0), "test_loss"] = -5.0
    similarity.loc[(similarity["epoch"] == 20) & (similarity["a"] == 0) & (similarity["b"] == 1),
                   "similarity"] = 9.0  # fmt: skip
    sim_path, out = tmp_path / "similarity.csv", tmp_path / "reference.json"
    similarity.to_csv(sim_path, index=False)
    loss_paths = []
    for s, rows in loss.groupby("split"):
        loss_paths.append(str(tmp_path / f"loss{s}.csv"))
        rows.to_csv(loss_paths[-1], index=False)
    args = ["biased", "faces-reference", "--similarity", str(sim_path), "--loss", *loss_paths,
            "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    found = json.loads(out.read_text())
    centre = np.mean if definition == "mean" else np.median
    column = "train_loss" if definition == "train_loss" else "test_loss"
    distance = [centre([1 - v for v in similarity[similarity["epoch"] == e]["similarity"]])
                for e in epochs]  # fmt: skip
    test = [centre(list(loss[loss["epoch"] == e][column])) for e in epochs]
    expected = [epochs[int(np.argmin(distance))], epochs[int(np.argmin(test))],
                min(distance), min(test)]  # fmt: skip
    keys = ["tau_cos", "tau_loss", "distance_at_tau_cos", "test_loss_at_tau_loss"]
    check([found[key] for key in keys], expected, definition)
    assert found["generation_epochs"] == epochs
    assert found["tau_cos_before_tau_loss"] == (found["tau_cos"] < found["tau_loss"])
