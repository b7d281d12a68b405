"""Study 1 measures what the reference implementation measures: units, pairs, bands, epochs.

Each test pins one fact of the paper's code (github davide-beltrame/biased-generalization)
that an earlier version of ours measured differently.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml
from conftest import paper_settings, paper_transformer

from diffgen.biased import tables
from diffgen.biased.checkpoints import checkpoint_epochs
from diffgen.biased.config import check_consistency
from diffgen.biased.evaluation import fixed_noisy_batch
from diffgen.biased.figures import fig1b
from diffgen.biased.metrics.kl import CLIP, per_rep_means, sequence_kl
from diffgen.biased.network import TransformerDenoiser, parameter_count
from diffgen.biased.plan import Plan
from diffgen.core.config import load_schema, merge, validate
from diffgen.core.diffusion.gaussian import linear_schedule
from diffgen.core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = load_schema(ROOT / "workflow" / "studies" / "biased" / "schema.yaml")
#: Study 1 at paper scale (config.yaml, schema defaults filled in).
PAPER = paper_settings("biased")
SMALL = yaml.safe_load((ROOT / "resources" / "presets" / "small.yaml").read_text())["biased"]


def section(config: dict) -> dict:
    """A `biased` section validated, defaults filled and cross-checked, as the workflow does."""
    config = copy.deepcopy(config)
    validate(config, SCHEMA, "biased")
    check_consistency(config)
    return config


def small_over_paper(**override) -> dict:
    """The small preset on top of config.yaml (lists replace, mappings merge)."""
    return merge(merge(PAPER, SMALL), override)


# -- KL in the paper's unit -----------------------------------------------------------


def log(probs) -> torch.Tensor:
    return torch.log(torch.tensor(probs, dtype=torch.float64))


def test_kl_of_identical_distributions_is_zero_even_with_zeros():
    p = log([[[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]])
    assert sequence_kl(p, p).tolist() == [0.0]


def test_kl_is_summed_over_positions_and_clipped_at_1e8():
    p = [[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]
    q = [[0.25, 0.75, 0.0], [0.0, 1.0, 0.0]]
    clip = lambda v: max(v, 1e-8)  # noqa: E731 (the reference's np.clip(., 1e-8, None))
    hand = sum(
        clip(a) * math.log(clip(a) / clip(b))
        for row_p, row_q in zip(p, q, strict=True)
        for a, b in zip(row_p, row_q, strict=True)
    )
    # the confident wrong position costs log(1e8) - 2e-8 log(1e8)... bounded, not infinite
    assert hand == pytest.approx(0.5 * math.log(2) + 0.5 * math.log(2 / 3) + math.log(1e8), 1e-6)
    assert sequence_kl(log([p]), log([q])).item() == pytest.approx(hand, rel=1e-12)
    assert CLIP == 1e-8


def test_kl_of_16_equal_positions_is_16_times_one_position():
    rng = np.random.default_rng(0)
    p = torch.log_softmax(torch.as_tensor(rng.normal(size=(3, 1, 6))), -1)
    q = torch.log_softmax(torch.as_tensor(rng.normal(size=(3, 1, 6))), -1)
    one = sequence_kl(p, q)
    sixteen = sequence_kl(p.expand(3, 16, 6), q.expand(3, 16, 6))
    torch.testing.assert_close(sixteen, 16 * one)


def test_repetition_means_follow_the_stacking_of_the_noisy_batch():
    values = np.arange(12.0)  # 3 reps x 4 sequences, rep-major
    np.testing.assert_allclose(per_rep_means(values, 3), [1.5, 5.5, 9.5])


def test_noisy_batch_draws_fresh_noise_per_t_and_per_repetition():
    schedule = linear_schedule(50, 1e-4, 0.02)
    tokens = np.random.default_rng(0).integers(0, 6, size=(5, 16))
    x0, t_vec, x_a = fixed_noisy_batch(tokens, 6, schedule, seed=0, t=10, reps=2)
    _, _, x_b = fixed_noisy_batch(tokens, 6, schedule, seed=0, t=11, reps=2)
    assert x0.shape == (10, 16, 6) and (t_vec == 10).all()
    torch.testing.assert_close(x0[:5], x0[5:])  # rep r of sequence i is row r*N + i
    abar = schedule.alpha_bar

    def eps(x, t):
        return (x - abar(t).sqrt() * x0) / (1 - abar(t)).sqrt()

    e_a, e_b = eps(x_a.double(), 10), eps(x_b.double(), 11)
    assert abs(np.corrcoef(e_a.flatten(), e_b.flatten())[0, 1]) < 0.1  # independent per t
    assert abs(np.corrcoef(e_a[:5].flatten(), e_a[5:].flatten())[0, 1]) < 0.1  # and per rep
    _, _, again = fixed_noisy_batch(tokens, 6, schedule, seed=0, t=10, reps=2)
    torch.testing.assert_close(again, x_a)  # and reproducible


# -- checkpoints and model ----------------------------------------------------------------


@pytest.mark.parametrize("total", [20000, 30000, 35000])
def test_checkpoint_epochs_are_torch_logspace_in_float32_truncated(total):
    reference = torch.logspace(2, torch.log10(torch.tensor(total)), 25).long().tolist()
    assert checkpoint_epochs(total, 25, 100) == sorted(set(reference))


def test_checkpoint_epochs_of_the_paper_runs():
    assert checkpoint_epochs(20000, 25, 100)[:6] == [100, 124, 155, 193, 241, 301]
    assert checkpoint_epochs(35000, 25, 100)[-2:] == [27419, 34999]  # not 35,000: truncation
    assert checkpoint_epochs(8, 25, 1) == list(range(1, 9))  # duplicates kept once


def test_paper_model_has_the_reference_parameter_count():
    assert parameter_count(TransformerDenoiser(paper_transformer())) == 16_854_022


# -- config and plan --------------------------------------------------------------------


def test_reference_epochs_come_from_fig4a_seed_averaged_curves_where_it_has_the_size():
    config = section(PAPER)
    plan = Plan(config)
    assert len(plan.figure_models("fig3b", 12000)) == 5
    assert len(plan.reference_models("fig3b", 12000)) == 15  # fig4a's 15 seeds
    assert plan.reference_models("fig3b", 5000) == plan.figure_models("fig3b", 5000)
    assert len(plan.reference_models("figA11", 12000)) == 15
    config["figures"]["fig3b"]["reference_curves"] = "own"
    assert len(Plan(config).reference_models("fig3b", 12000)) == 5


def test_paper_plan_pairs_every_cross_split_model_pair():
    plan = Plan(section(PAPER))
    pairs = plan.pairs("critical", 12000)
    disjoint = [p for p in pairs if not p.same_split]
    assert len(disjoint) == math.comb(15, 2) == 105
    assert all(p.first.split != p.second.split for p in disjoint)
    assert {(p.first.split, p.second.split) for p in disjoint} == {
        (i, j) for i in range(15) for j in range(i + 1, 15)
    }
    same = [p for p in pairs if p.same_split]
    assert [(p.first.split, p.second.seed) for p in same] == [(0, 100), (1, 101), (2, 102)]
    assert len(plan.pair_models("critical", 12000)) == 18
    assert len(plan.all_models()) == 3 * 18  # no extra training for the pairs


def test_paper_config_follows_the_reference_sizes():
    config = section(PAPER)
    assert config["evaluation"]["loss_sequences"] == 50000
    assert config["evaluation"]["train_loss_sequences"] is None  # the whole training split
    fig3b = config["figures"]["fig3b"]
    assert fig3b["trajectory"] == "forward" and fig3b["t_fractions"] == "all"
    assert fig3b["reps"] == 5 and fig3b["bp_ks"] == [1, 2]
    assert config["sequential"]["critical"]["reps"] == 5
    assert config["figures"]["figA11"]["checkpoints"] == [
        "first", "nn_divergence_min", "test_loss_min", "last",
    ]  # fmt: skip


def test_fig1b_and_fig6_name_one_measurement_and_another_is_a_section_away():
    config = section(PAPER)
    plan = Plan(config)
    assert plan.sequential("fig1b") == plan.sequential("fig6") == "critical"
    assert plan.figure_options("fig6")["t_fraction"] == 0.15  # the plot's title
    late = {
        "sequential": {"late": {"t_fraction": 0.2}},
        "figures": {"fig6": {"sequential": "late"}},
    }
    other = Plan(section(merge(PAPER, late)))
    assert other.measurement("late")["t_fraction"] == 0.2
    assert other.measurement("late")["seeds"] == 15  # the schema's defaults fill the rest
    assert other.sequential("fig1b") == "critical" and other.sequential("fig6") == "late"
    assert other.figure_options("fig6")["t_fraction"] == 0.2


def test_named_checkpoints_resolve_and_merge_equal_epochs():
    plan = Plan(section(small_over_paper()))
    epochs = plan.checkpoints(64)
    names = ["first", "nn_divergence_min", "test_loss_min", "last"]
    chosen = plan.named_epochs(names, 64, {"nn_divergence_min": 53, "test_loss_min": 53})
    assert chosen == {epochs[0]: ["first"], 53: ["nn_divergence_min", "test_loss_min"],
                      epochs[-1]: ["last"]}  # fmt: skip


def test_a_figA11_epoch_that_is_no_checkpoint_is_a_config_error():
    grid = Plan(section(small_over_paper())).checkpoints(64)
    off_grid = next(e for e in range(grid[0], grid[-1]) if e not in grid)
    bad = small_over_paper(figures={"figA11": {"checkpoints": ["first", off_grid]}})
    with pytest.raises(ConfigError, match=rf"figures\.figA11\.checkpoints.*epoch {off_grid}"):
        section(bad)
    ok = small_over_paper(figures={"figA11": {"checkpoints": ["first", grid[2]]}})
    assert section(ok)["figures"]["figA11"]["checkpoints"] == ["first", grid[2]]


# -- figure tables ------------------------------------------------------------------------


def write(tmp_path: Path, name: str, rows: list[dict]) -> str:
    path = tmp_path / f"{name}.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return str(path)


def test_sample_split_table_is_mean_and_se_over_pairs(tmp_path):
    rows = []
    values = {"disjoint0-0_1-1": 1.0, "disjoint0-0_2-2": 2.0, "disjoint1-1_2-2": 6.0}
    for pair, value in values.items():
        for rep in range(2):  # repetitions average within a pair first
            rows.append({"n": 64, "epoch": 10, "pair": pair, "same_split": False, "rep": rep,
                         "kl_mean": value + (0.5 if rep else -0.5)})  # fmt: skip
    rows.append({"n": 64, "epoch": 10, "pair": "same0-0_0-100", "same_split": True, "rep": 0,
                 "kl_mean": 0.25})  # fmt: skip
    seq = [{"n": 64, "split": s, "seed": s, "epoch": 10, "k": 0, "data": "test", "kl_mean": 1.0}
           for s in range(3)]  # fmt: skip
    inputs = {"sample_split": [write(tmp_path, "split", rows)],
              "sequential": [write(tmp_path, "seq", seq)]}  # fmt: skip
    table = tables.sequential(inputs, {}).set_index("series")
    disjoint = table.loc["split_disjoint"]
    assert disjoint["mean"] == pytest.approx(3.0)
    assert disjoint["se"] == pytest.approx(np.std([1.0, 2.0, 6.0], ddof=1) / math.sqrt(3))
    assert disjoint["count"] == 3  # pairs, not pair-repetitions
    assert table.loc["split_same", "mean"] == pytest.approx(0.25)
    assert table.loc["oracle_k0_test", "count"] == 3


def test_sample_split_train_panel_is_its_own_series_and_is_drawn(tmp_path):
    rows = [{"n": 64, "epoch": e, "pair": "disjoint0-0_1-1", "same_split": False, "rep": 0,
             "data": data, "kl_mean": value * e}
            for e in (10, 20) for data, value in (("test", 1.0), ("train", 3.0))]  # fmt: skip
    seq = [{"n": 64, "split": 0, "seed": 0, "epoch": e, "k": 0, "data": "test", "kl_mean": 1.0}
           for e in (10, 20)]  # fmt: skip
    inputs = {"sample_split": [write(tmp_path, "split", rows)],
              "sequential": [write(tmp_path, "seq", seq)]}  # fmt: skip
    table = tables.sequential(inputs, {})
    by_series = table.set_index(["series", "epoch"])["mean"]
    assert by_series["split_disjoint", 10] == pytest.approx(10.0)  # held-out only
    assert by_series["split_disjoint_train", 20] == pytest.approx(60.0)
    fig1b.plot(table, str(tmp_path / "f.pdf"), str(tmp_path / "f.png"))
    assert (tmp_path / "f.png").stat().st_size > 0


def test_fig4a_band_is_the_reference_s_e_and_fig4b_band_its_std(tmp_path):
    nn = [{"n": 64, "split": s, "seed": s, "epoch": 10, "nn_kl": v}
          for s, v in enumerate([1.0, 2.0, 4.0])]  # fmt: skip
    loss = [{"n": 64, "split": s, "seed": s, "epoch": 10, "test_loss": v, "train_loss": v}
            for s, v in enumerate([1.0, 1.5, 3.0])]  # fmt: skip
    fig4a = tables.fig4a(
        {"nn": [write(tmp_path, "nn", nn)], "loss": [write(tmp_path, "loss", loss)]}, {}
    ).iloc[0]
    assert fig4a["nn_kl_se"] == pytest.approx(np.std([1.0, 2.0, 4.0]) / math.sqrt(3))  # ddof 0
    assert fig4a["test_loss_se"] == pytest.approx(np.std([1.0, 1.5, 3.0]) / math.sqrt(3))
    decomposition = [
        {"n": 64, "split": s, "seed": s, "epoch": 10, "data": "train", "mode": mode,
         "total": v, "l_star": v / 2, "l_tilde": v / 2}
        for s, v in enumerate([1.0, 2.0, 4.0]) for mode in ("fixed", "mean")
    ]  # fmt: skip
    fig4b = tables.fig4b({"decomposition": [write(tmp_path, "dec", decomposition)]}, {})
    assert set(fig4b["mode"]) == {"fixed", "mean"}  # the reference's second panel
    total = fig4b[(fig4b["term"] == "total") & (fig4b["mode"] == "mean")].iloc[0]
    assert total["sd"] == pytest.approx(np.std([1.0, 2.0, 4.0]))  # ddof 0, not s.e.


def test_fig3b_table_holds_the_model_and_bp_k_series(tmp_path):
    score = [{"n": n, "epoch": 53, "models": 2, "t": t, "t_fraction": t / 10,
              "kl_mean": 1.0 + t, "kl_se": 0.1} for n in (64, 256) for t in (1, 2, 3)]  # fmt: skip
    gap = [{"t": t, "t_fraction": t / 10, "k": k, "kl_mean": k * t, "kl_se": 0.0}
           for t in (1, 2, 3) for k in (1, 2)]  # fmt: skip
    inputs = {"score": [write(tmp_path, "score", score)], "bp_gap": [write(tmp_path, "gap", gap)]}
    table = tables.fig3b(inputs, {})
    assert set(table["series"]) == {"model", "bp1", "bp2"}
    assert len(table[table["series"] == "model"]) == 6
    bp2 = table[table["series"] == "bp2"]
    assert bp2["mean"].tolist() == [2.0, 4.0, 6.0] and bp2["n"].isna().all()


def test_figA11_table_keeps_every_checkpoint_and_one_curve_per_bp_k(tmp_path):
    rows = []
    for seed in (0, 1):
        for t in (3, 4):
            base = {"n": 64, "split": seed, "seed": seed, "t": t, "t_fraction": t / 50}
            for epoch, label in ((10, "first"), (53, "nn_divergence_min+test_loss_min")):
                rows.append({**base, "denoiser": "model", "epoch": epoch, "checkpoint": label,
                             "overlap": 0.5 + seed / 10})  # fmt: skip
            for name in ("empirical", "bp0", "bp4"):
                rows.append({**base, "denoiser": name, "epoch": None, "checkpoint": None,
                             "overlap": 0.9})  # fmt: skip
    table = tables.figA11({"uturn_random": [write(tmp_path, "ur", rows)]}, {})
    model = table[table["denoiser"] == "model"]
    assert sorted(set(model["epoch"])) == [10, 53] and len(model) == 4
    assert model["mean"].tolist() == pytest.approx([0.55] * 4)
    assert set(model["checkpoint"]) == {"first", "nn_divergence_min+test_loss_min"}
    others = table[table["denoiser"] != "model"]
    assert len(others) == 6 and others["epoch"].isna().all()
