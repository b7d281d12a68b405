"""Measurements, figure tables and plots of study 5 on small hand-checkable cases."""

import numpy as np
import pandas as pd
import pytest
import torch
from rhm_support import one_thread  # noqa: F401 (autouse fixture)

from diffgen.core.diffusion.d3pm import uniform_schedule
from diffgen.core.errors import InputFileError
from diffgen.rhm import tables
from diffgen.rhm.bp import TreeBP
from diffgen.rhm.checkpoints import ModelDenoiser
from diffgen.rhm.evaluation import copies, window_bounds, window_losses
from diffgen.rhm.figures import fig1, fig2, fig3, fig4
from diffgen.rhm.fluctuations import (
    changes,
    correlations,
    keep_from_marginals,
    keep_from_parse,
    susceptibility,
)
from diffgen.rhm.network import NetworkConfig, build
from diffgen.rhm.oracle import CavityDenoiser
from diffgen.rhm.parsing import Parser
from diffgen.rhm.rules import Shape, sample_rules
from diffgen.rhm.sampler import forward_noise, initial_tokens, reverse_chain
from diffgen.rhm.sets import draw_sets

SHAPE = Shape(8, 8, 3, 2, 3)
GRAMMAR = sample_rules(SHAPE, 42)
SCHEDULE = uniform_schedule(200, 1e-3, 0.1)


def test_susceptibility_and_correlations_by_hand():
    delta = np.array([[1, 1, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]], dtype=float)
    sums = delta.sum(axis=1)
    assert susceptibility(delta) == pytest.approx(np.var(sums, ddof=1) / 4)
    c = correlations(delta)
    cov = np.cov(delta, rowvar=False)
    assert c[0] == pytest.approx(np.diag(cov).mean())
    assert c[1] == pytest.approx(np.mean([cov[0, 1], cov[1, 2], cov[2, 3]]))
    assert c[3] == pytest.approx(cov[0, 3])
    # χ is the sum of all covariances over d: C(r) summed over both directions.
    d = 4
    assert susceptibility(delta) == pytest.approx(
        (d * c[0] + 2 * sum((d - r) * c[r] for r in range(1, d))) / d
    )
    assert changes(np.array([[1, 2]]), np.array([[1, 3]])).tolist() == [[0.0, 1.0]]


def test_keep_fractions_count_invalid_nodes_as_changed():
    tree = draw_sets(GRAMMAR, 3, 0, seed=1, replacement=False).train
    parse = Parser(GRAMMAR).parse(tree[-1])
    assert (keep_from_parse(parse, tree) == 1).all()
    broken = tree[-1].copy()
    broken[0, :2] = (
        [7, 7] if (7, 7) not in {tuple(p) for p in GRAMMAR.rules[2].reshape(-1, 2)} else [0, 0]
    )
    keep = keep_from_parse(Parser(GRAMMAR).parse(broken), tree)
    assert keep[0, 0] == 0 and keep[0, 1] == 0.5 and keep[0, 2] == 0.75
    assert (keep[1:] == 1).all()
    messages = TreeBP(GRAMMAR, dtype=torch.float64).posterior(torch.tensor(tree[-1]), 1.0)
    assert np.allclose(keep_from_marginals(messages.marginals(), tree), 1.0)


def test_window_bounds_and_copies():
    assert window_bounds(200, 0) == (1, 20) and window_bounds(200, 9) == (180, 200)
    assert [window_bounds(200, w)[0] for w in range(1, 10)] == list(range(20, 200, 20))
    samples = np.array([[1, 2], [3, 4], [1, 2], [2, 1]])
    assert copies(samples, np.array([[1, 2], [5, 5]])).tolist() == [True, False, True, False]


def test_window_losses_are_batch_independent_and_smallest_for_the_oracle():
    leaves = torch.from_numpy(draw_sets(GRAMMAR, 300, 0, seed=2, replacement=False).train[-1])
    oracle = CavityDenoiser(TreeBP(GRAMMAR, dtype=torch.float64), SCHEDULE)
    model = ModelDenoiser(build(NetworkConfig(8, 2, 8, 16, 3, 200), 0))
    cpu = torch.device("cpu")
    a = window_losses(oracle, leaves, SCHEDULE, 8, 0, "test", 300, cpu)
    b = window_losses(oracle, leaves, SCHEDULE, 8, 0, "test", 64, cpu)
    assert np.allclose(a, b, rtol=1e-9)
    untrained = window_losses(model, leaves, SCHEDULE, 8, 0, "test", 300, cpu)
    assert sum(a) < sum(untrained) and a[0] < untrained[0]


def test_model_chains_do_not_depend_on_the_batch_size():
    model = ModelDenoiser(build(NetworkConfig(8, 2, 8, 16, 3, 200), 1))
    x_T = initial_tokens(3, 700, 8, 8)
    whole = reverse_chain(model, x_T, 30, SCHEDULE, 8, seed=3, batch_size=700)
    parts = reverse_chain(model, x_T, 30, SCHEDULE, 8, seed=3, batch_size=256)
    assert torch.equal(whole, parts)
    x0 = torch.from_numpy(draw_sets(GRAMMAR, 700, 0, seed=4, replacement=False).train[-1])
    full = forward_noise(x0, 40, SCHEDULE, 8, seed=5)
    assert torch.equal(full[300:], forward_noise(x0[300:], 40, SCHEDULE, 8, seed=5, start=300))
    assert 0.3 < (full != x0).double().mean() < 0.5  # ε·(v−1)/v ≈ 0.37 at t = 40


def measure_tables(tmp_path):
    paths = []
    for seed in range(2):
        rows = []
        for step in (256, 512, 1024):
            rows.append({"grammar": "v8n8m3s2L3", "P": 1024, "seed": seed, "step": step,
                         "epoch": step / 16, "n_samples": 512, "loss_ema": 0.01 / step,
                         "valid_1": 0.3 + step / 2048 + seed / 100, "valid_2": 0.1, "valid_3": 0.01,
                         "copies": 0.0, "new_valid": 0.01, "train_loss": 0.01, "test_loss": 0.011,
                         **{f"test_loss_w{w}": 0.02 / (w + 1) for w in range(10)}})  # fmt: skip
        path = tmp_path / f"seed{seed}_all.csv"
        pd.DataFrame(rows).to_csv(path, index=False)
        paths.append(str(path))
    return paths


def fb_tables(tmp_path):
    keep, fluct = [], []
    for t in (10, 20, 30):
        for level in range(4):
            keep.append({"source": "bp", "grammar": "v8n8m3s2L3", "P": 0, "seed": 0, "step": 0,
                         "t": t, "eps": t / 100, "level": level, "keep": 1 - t / 40,
                         "keep_se": 0.01})  # fmt: skip
        for r in range(8):
            fluct.append({"source": "bp", "grammar": "v8n8m3s2L3", "P": 0, "seed": 0, "step": 0,
                          "t": t, "eps": t / 100, "r": r, "chi": 0.5 - abs(t - 20) / 100,
                          "corr": 0.1 / (r + 1) + t / 1000})  # fmt: skip
    paths = {}
    for name, rows in (("keep", keep), ("fluct", fluct)):
        paths[name] = tmp_path / f"bp_{name}.csv"
        pd.DataFrame(rows).to_csv(paths[name], index=False)
    return {k: [str(v)] for k, v in paths.items()}


def test_tables_and_plots_from_measurements(tmp_path):
    measure = measure_tables(tmp_path)
    t1 = tables.fig1({"measure": measure}, {})
    valid = t1[t1["quantity"] == "valid_1"].sort_values("step")
    assert valid["count"].tolist() == [2, 2, 2]
    assert valid["mean"].iloc[0] == pytest.approx(0.3 + 256 / 2048 + 0.005)
    assert valid["se"].iloc[0] == pytest.approx(0.005)
    chance = t1[t1["quantity"] == "chance_3"]["mean"].unique()
    assert chance == pytest.approx([SHAPE.chance_validity()[2]])
    assert t1[t1["quantity"] == "copies_ideal"]["mean"].iloc[0] == pytest.approx(1024 / 17_496)
    t2 = tables.fig2({"measure": measure}, {})
    assert set(t2["step"]) == {1024} and not t2["quantity"].str.contains("_w").any()
    fb = fb_tables(tmp_path)
    t3 = tables.fig3({"keep": fb["keep"]}, {})
    assert len(t3) == 12 and (t3["se"] == 0.01).all() and (t3["L"] == 3).all()
    t4 = tables.fig4({"fluct": fb["fluct"]}, {})
    corr = t4[t4["kind"] == "corr"]
    assert set(corr["t"]) == {20} and len(corr) == 8
    assert len(t4[t4["kind"] == "chi"]) == 3
    for module, table in ((fig1, t1), (fig2, t2), (fig3, t3), (fig4, t4)):
        pdf, png = tmp_path / f"{module.FIGURE}.pdf", tmp_path / f"{module.FIGURE}.png"
        module.plot(table, str(pdf), str(png))
        assert png.stat().st_size > 10_000 and pdf.stat().st_size > 5_000


def test_incomplete_inputs_are_one_line_errors(tmp_path):
    path = tmp_path / "broken.csv"
    pd.DataFrame({"grammar": ["v8n8m3s2L3"], "P": [1], "seed": [0]}).to_csv(path, index=False)
    with pytest.raises(InputFileError, match=r"broken\.csv.*lacks"):
        tables.fig1({"measure": [str(path)]}, {})
    with pytest.raises(InputFileError, match="fig3 table lacks"):
        fig3.plot(pd.DataFrame({"t": [1]}), str(tmp_path / "a.pdf"), str(tmp_path / "a.png"))
