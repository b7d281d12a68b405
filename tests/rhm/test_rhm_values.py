"""Study 5's measurement jobs against independent computations of their definitions.

Each job runs through the CLI on a tiny RHM (v = n = 4, m = 2, s = 2, L = 3:
512 strings of 8 leaves) and a tiny random bpUNet; the test recomputes the
job's numbers in plain numpy: validity by matching rule tuples bottom up,
posterior marginals by enumerating all 512 trees, exact posterior samples by
an upward recursion, the D3PM reverse chain and KL loss from their formulas.
The only project code used for the expected values is the seeded uniform
stream (the job's input noise) and the network's forward pass.

Every check is parametrised with wrong definitions (arguments swapped, other
noise, another time, the other data set) that must NOT match.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
import torch
from rhm_support import one_thread  # noqa: F401 (autouse fixture)

from diffgen.cli import main
from diffgen.core import identity
from diffgen.core.seeding import EVALUATION_STEP, seeded_uniform
from diffgen.core.torchio import save_torch
from diffgen.rhm.checkpoints import payload
from diffgen.rhm.dataset import Dataset, save_dataset, save_strings
from diffgen.rhm.network import NetworkConfig, build
from diffgen.rhm.rules import Shape, sample_rules
from diffgen.rhm.samples import save_samples
from diffgen.rhm.sets import draw_sets

ROOT = Path(__file__).resolve().parents[2]
V, M, S, L = 4, 2, 2, 3
D = S**L
SHAPE = Shape(V, V, M, S, L)
T = 20
DIFFUSION = {"T": T, "beta1": 1e-3, "beta2": 0.1}
RUN = {"grammar": "v4n4m2s2L3", "P": 48, "seed": 0}


# --- the definitions, written out ------------------------------------------------------------


def alpha_bars() -> np.ndarray:
    """ᾱ_t = Π_{k≤t}(1 − β_k), β_t = β1 + (β2 − β1)t/T for t = 0..T."""
    betas = 1e-3 + (0.1 - 1e-3) * np.arange(T + 1) / T
    return np.cumprod(1 - betas)


def inverse_cdf(probs: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The first symbol whose cumulative probability exceeds u·total."""
    cdf = np.cumsum(probs, axis=-1)
    return np.minimum((cdf <= u[..., None] * cdf[..., -1:]).sum(-1), probs.shape[-1] - 1)


def forward(x0: np.ndarray, t: int, seed: int, step: int | None = None) -> np.ndarray:
    """x_t ~ ᾱ_t e_{x0} + (1 − ᾱ_t)/v with the seeded uniforms of stream T+1+t."""
    u = seeded_uniform(seed, T + 1 + t if step is None else step, 0, len(x0), (D,)).double()
    abar = alpha_bars()[t]
    return inverse_cdf(abar * np.eye(V)[x0] + (1 - abar) / V, u.numpy())


def posterior_step(x_t: np.ndarray, t: np.ndarray | int, y: np.ndarray) -> np.ndarray:
    """f(x_t, t, y) ∝ [α_t x_t + (1−α_t)/v] ⊙ [ᾱ_{t−1} y + (1−ᾱ_{t−1})/v]."""
    abar = alpha_bars()
    t = np.broadcast_to(t, (len(x_t),))
    alpha = (abar[t] / abar[t - 1])[:, None, None]
    prev = abar[t - 1][:, None, None]
    joint = (alpha * np.eye(V)[x_t] + (1 - alpha) / V) * (prev * y + (1 - prev) / V)
    return joint / joint.sum(-1, keepdims=True)


def model_probs(path: str, x_t: np.ndarray, t) -> np.ndarray:
    net = build(NetworkConfig(V, S, D, 8, L, T), 0)
    net.load_state_dict(torch.load(path, weights_only=True)["model"])
    steps = torch.as_tensor(np.broadcast_to(t, (len(x_t),)).copy(), dtype=torch.long)
    with torch.no_grad():
        logits = net.eval()(torch.eye(V)[torch.as_tensor(x_t)], steps)
    return torch.log_softmax(logits, -1).double().exp().numpy()


def parse(rules, leaves: np.ndarray) -> list[np.ndarray]:
    """Levels 0..L of each string's parse, −1 at a node whose children match no rule."""
    lookup = [{tuple(r[a, k]): a for a in range(len(r)) for k in range(M)} for r in rules]
    levels = [np.asarray(leaves)]
    for level in range(L - 1, -1, -1):
        below = levels[0]
        up = np.array([[lookup[level].get(tuple(row[S * i : S * i + S]), -1)
                        if min(row[S * i : S * i + S]) >= 0 else -1
                        for i in range(below.shape[1] // S)] for row in below])  # fmt: skip
        levels.insert(0, up)
    return levels


def all_trees(rules) -> list[list[np.ndarray]]:
    """Every tree of the grammar, expanding each node by each of its m rules."""
    trees = [[np.array([a])] for a in range(V)]
    for level in range(L):
        grown = []
        for tree in trees:
            parents = tree[-1]
            for ks in itertools.product(range(M), repeat=len(parents)):
                pairs = zip(parents, ks, strict=True)
                children = np.concatenate([rules[level][a, k] for a, k in pairs])
                grown.append([*tree, children])
        trees = grown
    return trees


def evidence(x_t: np.ndarray, abar: float) -> np.ndarray:
    """e_i(a) = ᾱ[a = x_t,i] + (1 − ᾱ)/v, (B, d, v)."""
    return abar * np.eye(V)[x_t] + (1 - abar) / V


def mean_keep(trees, x_t: np.ndarray, abar: float, truth: list[np.ndarray]) -> np.ndarray:
    """(B, L+1): mean over level-ℓ nodes of p(z_ℓ = truth | x_t), by enumeration."""
    e = evidence(x_t, abar)
    leaves = np.stack([tree[-1] for tree in trees])  # (P, d)
    w = np.prod(e[:, np.arange(D), leaves], axis=-1)  # (B, P)
    w /= w.sum(1, keepdims=True)
    keep = np.zeros((len(x_t), L + 1))
    for level in range(L + 1):
        nodes = np.stack([tree[level] for tree in trees])  # (P, nodes)
        hits = nodes[None] == truth[level][:, None, :]  # (B, P, nodes)
        keep[:, level] = (w[:, :, None] * hits).sum(1).mean(1)
    return keep


def posterior_leaves(rules, x_t: np.ndarray, abar: float, u: np.ndarray) -> np.ndarray:
    """Exact posterior samples: root ∝ inside weight, then each node's rule ∝ its inside weight.

    Root with u[:, 0]; then level by level, node by node, one uniform per node.
    """
    inside = [None] * L + [evidence(x_t, abar)]
    for level in range(L - 1, -1, -1):
        below, table = inside[level + 1], rules[level]
        inside[level] = np.stack([np.stack([
            sum(np.prod([below[:, S * i + j, table[a, k, j]] for j in range(S)], axis=0)
                for k in range(M)) for a in range(len(table))], -1)
            for i in range(below.shape[1] // S)], 1)  # fmt: skip
    nodes = inverse_cdf(inside[0][:, 0], u[:, 0])[:, None]
    column = 1
    for level in range(L):
        below, table, children = inside[level + 1], rules[level], []
        for i in range(nodes.shape[1]):
            a = nodes[:, i]
            weights = np.stack(
                [
                    np.prod(
                        [below[np.arange(len(a)), S * i + j, table[a, k, j]] for j in range(S)],
                        axis=0,
                    )
                    for k in range(M)
                ],
                -1,
            )
            k = inverse_cdf(weights / weights.sum(-1, keepdims=True), u[:, column + i])
            children.append(table[a, k])
        column += nodes.shape[1]
        nodes = np.concatenate(children, axis=1)
    return nodes


def chi_and_corr(delta: np.ndarray) -> tuple[float, np.ndarray]:
    """χ = Var(Σ_i δ_i)/d (ddof 1); C(r) = mean over i of Cov(δ_i, δ_{i+r}) (ddof 1)."""
    chi = delta.sum(1).var(ddof=1) / D
    cov = np.array([[np.cov(delta[:, i], delta[:, j])[0, 1] for j in range(D)] for i in range(D)])
    return chi, np.array([np.mean([cov[i, i + r] for i in range(D - r)]) for r in range(D)])


def check(found, expected, definition: str, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    found, expected = np.asarray(found, float), np.asarray(expected, float)
    if definition == "right":
        np.testing.assert_allclose(found, expected, rtol=rtol, atol=atol)
    else:
        assert not np.allclose(found, expected, rtol=rtol, atol=atol), definition


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rhm_values")
    grammar = sample_rules(SHAPE, 7)
    sets = draw_sets(grammar, RUN["P"], 40, seed=1, replacement=False)
    data = folder / "data.h5"
    sets = Dataset(grammar, sets.train, sets.test, sets.indices, False)
    save_dataset(data, sets, {}, {}, identity.record("rhm", "data", {"P": RUN["P"]}))
    strings = folder / "strings.h5"
    save_strings(strings, grammar, sets.test, {}, {}, identity.record("rhm", "strings"))
    checkpoint = folder / "step8.pt"
    model = build(NetworkConfig(V, S, D, 8, L, T), 0)
    for p in model.parameters():  # move off the initialisation: a less uniform model
        p.data += 0.3 * torch.randn_like(p)
    made = identity.record("rhm", "train", {**RUN, "position": 8})
    save_torch(payload(model, 8, {"batch_size": 16}, 0.25), checkpoint, made)
    with h5py.File(data) as f:
        rules = [f[f"rules/level{l}"][...].astype(np.int64) for l in range(L)]
        train = [f[f"train/level{l}"][...].astype(np.int64) for l in range(L + 1)]
        test = [f[f"test/level{l}"][...].astype(np.int64) for l in range(L + 1)]
    return {"folder": folder, "data": str(data), "strings": str(strings), "ckpt": str(checkpoint),
            "rules": rules, "train": train, "test": test, "trees": all_trees(rules)}  # fmt: skip


_TABLES: dict = {}


def job_tables(world, kind: str, spec: dict, *arguments: str, outputs=("out",)) -> list:
    if kind not in _TABLES:
        paths = [world["folder"] / f"{kind}-{name}.csv" for name in outputs]
        files = [x for name, path in zip(outputs, paths, strict=True)
                 for x in (f"--{name}", str(path))]  # fmt: skip
        argv = ["rhm", kind, "--spec", json.dumps(spec), *arguments, *files,
                "--device", "cpu", "--threads", "1"]  # fmt: skip
        assert main(argv) == 0
        _TABLES[kind] = [pd.read_csv(path) for path in paths]
    return _TABLES[kind]


def test_enumeration_holds_every_string_once(world):
    leaves = {tuple(tree[-1]) for tree in world["trees"]}
    assert len(world["trees"]) == len(leaves) == SHAPE.pmax == 512
    for level, values in enumerate(parse(world["rules"], world["train"][-1])):
        np.testing.assert_array_equal(values, world["train"][level])


# --- measure ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bank(world):
    """Samples: 14 training strings, 6 test strings, 12 uniform strings."""
    rng = np.random.default_rng(3)
    tokens = np.concatenate([world["train"][-1][:14], world["test"][-1][:6],
                             rng.integers(0, V, (12, D))])  # fmt: skip
    path = world["folder"] / "bank.h5"
    save_samples(
        path, tokens, {"step": 8}, identity.record("rhm", "sample", {"run": RUN, "step": 8})
    )
    return path, tokens


MEASURE = {"run": RUN, "diffusion": DIFFUSION, "eval_seed": 2, "loss_strings": 30,
           "batch_size": 64, "mixed_precision": False}  # fmt: skip


@pytest.mark.parametrize("definition", ["right", "other_data"])
def test_measure_validity_copies_and_new_valid(world, bank, definition):
    path, tokens = bank
    (table,) = job_tables(world, "measure", MEASURE, "--data", world["data"], "--checkpoints",
                          world["ckpt"], "--samples", str(path))  # fmt: skip
    row = table.iloc[0]
    levels = parse(world["rules"], tokens)
    valid = [np.mean(levels[L - h] >= 0) for h in range(1, L + 1)]
    reference = world["test" if definition == "other_data" else "train"][-1]
    copied = np.array([any((t == r).all() for r in reference) for t in tokens])
    check([row[f"valid_{h}"] for h in range(1, L + 1)], valid, "right")
    found = [row["copies"], row["new_valid"]]
    check(found, [copied.mean(), ((levels[0][:, 0] >= 0) & ~copied).mean()], definition)
    assert row["step"] == 8 and row["epoch"] == 8 * 16 / RUN["P"]


def window_loss(world, which: str, w: int, definition: str) -> float:
    """Mean over strings of the per-token mean of KL(f(x_t,t,x0) ‖ f(x_t,t,y)), logs of p + 1e-8."""
    x0 = world[which][-1][:30]
    lo = max(1, w * T // 10)
    hi = max(lo + 1, (w + 1) * T // 10)
    step = EVALUATION_STEP - w - (10 if which == "train" else 0)
    u = seeded_uniform(MEASURE["eval_seed"], step, 0, len(x0), (D + 1,)).double().numpy()
    t = np.minimum(lo + (u[:, 0] * (hi - lo)).astype(int), hi - 1)
    abar = alpha_bars()[t][:, None, None]
    x_t = inverse_cdf(abar * np.eye(V)[x0] + (1 - abar) / V, u[:, 1:])
    true = posterior_step(x_t, t, np.eye(V)[x0])
    model = posterior_step(x_t, t, model_probs(world["ckpt"], x_t, t))
    if definition == "swapped":
        true, model = model, true
    return (true * (np.log(true + 1e-8) - np.log(model + 1e-8))).sum(-1).mean(-1).mean()


@pytest.mark.parametrize("definition", ["right", "swapped", "other_data"])
def test_measure_window_losses_are_the_d3pm_kl(world, bank, definition):
    path, _ = bank
    (table,) = job_tables(world, "measure", MEASURE, "--data", world["data"], "--checkpoints",
                          world["ckpt"], "--samples", str(path))  # fmt: skip
    row = table.iloc[0]
    for which in ("train", "test"):
        other = {"train": "test", "test": "train"}[which] if definition == "other_data" else which
        expected = [window_loss(world, other, w, definition) for w in range(10)]
        found = [row[f"{which}_loss_w{w}"] for w in range(10)]
        check(found, expected, definition, rtol=2e-5, atol=1e-7)
        if definition == "right":
            assert row[f"{which}_loss"] == pytest.approx(np.mean(expected), rel=2e-5)


# --- forward-backward ------------------------------------------------------------------------

GRID = [3, 8, 14]
FB_BP = {"grammar": RUN["grammar"], "count": 40, "t": GRID, "diffusion": DIFFUSION, "seed": 5,
         "dtype": "float64", "batch_size": 64}  # fmt: skip


def fb_bp(world):
    return job_tables(world, "forward-backward-bp", FB_BP, "--strings", world["strings"],
                      outputs=("keep", "fluct"))  # fmt: skip


@pytest.mark.parametrize("definition", ["right", "other_noise", "other_t"])
def test_forward_backward_bp_keep_is_the_posterior_mean_of_the_true_nodes(world, definition):
    keep, _ = fb_bp(world)
    truth = world["test"]
    for t in GRID:
        x_t = forward(truth[-1], t, 6 if definition == "other_noise" else 5)
        abar = alpha_bars()[t + 3 if definition == "other_t" else t]
        expected = mean_keep(world["trees"], x_t, abar, truth)
        rows = keep[keep["t"] == t].sort_values("level")
        se = expected.std(0, ddof=1) / np.sqrt(len(expected))
        check(np.r_[rows["keep"], rows["keep_se"]], np.r_[expected.mean(0), se], definition)


@pytest.mark.parametrize("definition", ["right", "other_noise", "against_x_t"])
def test_forward_backward_bp_chi_and_correlations_of_exact_posterior_samples(world, definition):
    _, fluct = fb_bp(world)
    x0 = world["test"][-1]
    for t in GRID:
        x_t = forward(x0, t, 6 if definition == "other_noise" else 5)
        u = seeded_uniform(5, 2 * (T + 1) + t, 0, len(x0), (1 + 7,)).double().numpy()
        x_prime = posterior_leaves(world["rules"], x_t, alpha_bars()[t], u)
        delta = (x_prime != (x_t if definition == "against_x_t" else x0)).astype(float)
        chi, corr = chi_and_corr(delta)
        rows = fluct[fluct["t"] == t].sort_values("r")
        assert (rows["r"] == np.arange(D)).all()
        if definition == "right" or t == 14:
            check(np.r_[rows["chi"].iloc[0], rows["corr"]], np.r_[chi, corr], definition)
        if definition == "right":  # the bootstrap s.e. over strings, resamples from [seed, t]
            rng = np.random.default_rng([5, t])
            boot = [chi_and_corr(delta[rng.integers(0, len(delta), len(delta))])
                    for _ in range(100)]  # fmt: skip
            chi_se = np.std([b[0] for b in boot], ddof=1)
            corr_se = np.std([b[1] for b in boot], axis=0, ddof=1)
            check(np.r_[rows["chi_se"].iloc[0], rows["corr_se"]], np.r_[chi_se, corr_se], "right")


FB_MODEL = {"run": RUN, "step": 8, "t": GRID, "count": 40, "diffusion": DIFFUSION, "seed": 5,
            "batch_size": 64, "mixed_precision": False}  # fmt: skip


@pytest.mark.parametrize("definition", ["right", "other_noise", "no_denoising"])
def test_forward_backward_model_keep_chi_and_correlations_of_parsed_chains(world, definition):
    keep, fluct = job_tables(world, "forward-backward-model", FB_MODEL, "--strings",
                             world["strings"], "--checkpoint", world["ckpt"],
                             outputs=("keep", "fluct"))  # fmt: skip
    truth = world["test"]
    seed = 6 if definition == "other_noise" else 5
    for t in GRID:
        x = forward(truth[-1], t, seed)
        for i in range(t, 0, -1) if definition != "no_denoising" else ():
            y = model_probs(world["ckpt"], x, i)
            u = seeded_uniform(seed, i, 0, len(x), (D,)).double().numpy()
            x = inverse_cdf(posterior_step(x, i, y), u)
        levels = parse(world["rules"], x)
        kept = np.stack([(p == z).mean(1) for p, z in zip(levels, truth, strict=True)], 1)
        chi, corr = chi_and_corr((x != truth[-1]).astype(float))
        rows = keep[keep["t"] == t].sort_values("level")
        frows = fluct[fluct["t"] == t].sort_values("r")
        found = np.r_[rows["keep"], frows["chi"].iloc[0], frows["corr"]]
        if definition == "right" or t == 14:
            check(found, np.r_[kept.mean(0), chi, corr], definition)


def test_fig4_table_carries_the_bootstrap_se_and_its_caption_types_no_number(world):
    from diffgen.rhm import tables

    _, fluct = fb_bp(world)
    path = world["folder"] / "fluct.csv"
    fluct.to_csv(path, index=False)
    table = tables.fig4({"fluct": [str(path)]}, {})
    chi = table[table["kind"] == "chi"].set_index("t")
    per_t = fluct.drop_duplicates("t").set_index("t")["chi_se"]
    np.testing.assert_allclose(chi["boot_se"], per_t.loc[chi.index], rtol=1e-12)
    corr = table[table["kind"] == "corr"]
    assert corr["boot_se"].notna().all() and (corr["boot_se"] > 0).any()
    caption = (ROOT / "workflow" / "studies" / "rhm" / "report" / "fig4.rst").read_text()
    assert not re.search(r"\d\.\d", caption), "fig4's caption types a measured number"
