"""The small preset end to end: every figure and table, with the expected rows."""

import hashlib
import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import GRAMMAR_FIGURES as FIGURES
from conftest import ROOT, workflow_config

from diffgen.biased.config import check_consistency
from diffgen.biased.plan import Plan
from diffgen.biased.samples import load_samples

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_config():
    section = workflow_config("resources/presets/small.yaml", study="biased")
    check_consistency(section)
    return section


def test_every_figure_exists_and_is_non_empty(small_preset_results):
    for figure in FIGURES:
        for ext in ("pdf", "png"):
            path = small_preset_results / "figures" / f"{figure}.{ext}"
            assert path.stat().st_size > 10_000, path


def test_tables_have_the_expected_rows(small_preset_results, small_config):
    plan = Plan(small_config)
    figs = small_config["figures"]
    tables = {f: pd.read_csv(small_preset_results / "tables" / f"{f}.csv") for f in FIGURES}
    n4a = figs["fig4a"]["sizes"][0]
    fig4a = tables["fig4a"]
    assert sorted(fig4a["epoch"]) == plan.checkpoints(n4a)
    assert (fig4a["n_seeds"] == figs["fig4a"]["seeds"]).all()
    assert fig4a[["nn_kl_mean", "test_loss_mean", "train_loss_mean"]].notna().all().all()
    ks = figs["fig1b"]["ks"]
    for name in ("fig1b", "fig6"):
        table = tables[name]
        series = {*(f"oracle_k{k}_{d}" for k in ks for d in ("test", "train")),
                  "split_disjoint", "split_same"}  # fmt: skip
        assert set(table["series"]) == series
        for n in figs[name]["sizes"]:
            assert len(table[table["n"] == n]) == len(series) * len(plan.checkpoints(n))
    fig3b = tables["fig3b"]
    assert set(fig3b["n"]) == set(figs["fig3b"]["sizes"])
    assert len(fig3b) == len(figs["fig3b"]["sizes"]) * len(figs["fig3b"]["t_fractions"]) * len(
        figs["fig3b"]["ks"]
    )
    fig4b = tables["fig4b"]
    assert len(fig4b) == len(plan.checkpoints(figs["fig4b"]["sizes"][0])) * 2 * 3
    fig5 = tables["fig5"]
    assert set(fig5["reference"]) == {"nn_divergence_min", "test_loss_min"}
    assert len(fig5) == 2 * len(figs["fig5"]["t_fractions"]) * 2
    figa11 = tables["figA11"]
    assert set(figa11["denoiser"]) == {
        "model",
        "empirical",
        *(f"bp{k}" for k in figs["figA11"]["ks"]),
    }


def test_loss_decomposition_adds_up_and_reference_epochs_are_checkpoints(
    small_preset_results, small_config
):
    plan = Plan(small_config)
    for path in (small_preset_results / "measure" / "loss_decomposition").rglob("*.csv"):
        table = pd.read_csv(path)
        gap = (table["total"] - table["l_star"] - table["l_tilde"]).abs().max()
        assert gap < 1e-4, path
    for path in (small_preset_results / "reference").glob("*.json"):
        n = int(path.stem.split("_n")[1])
        chosen = json.loads(path.read_text())
        assert chosen["test_loss_min"] in plan.checkpoints(n)
        if chosen["nn_divergence_min"] is not None:
            assert chosen["nn_divergence_min"] in plan.checkpoints(n)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_config_gives_the_same_files(small_preset_results, small_config, tmp_path):
    """Regenerate the dataset and one sample bank by hand: byte-identical files."""
    spec = {"grammar": small_config["grammar"], "data": small_config["data"]}
    out = tmp_path / "grammar.h5"
    command = [sys.executable, "-m", "diffgen.cli", "biased", "data", "--spec", json.dumps(spec)]
    subprocess.run([*command, "--out", str(out)], check=True, capture_output=True)
    assert _digest(out) == _digest(small_preset_results / "data" / "grammar.h5")
    n = small_config["figures"]["fig4a"]["sizes"][0]
    epoch = Plan(small_config).checkpoints(n)[2]
    bank = small_preset_results / "samples" / f"n{n}" / "split0_seed0" / f"epoch{epoch}.h5"
    log = small_preset_results.parent / "logs" / "biased" / "samples" / f"n{n}" / "split0_seed0"
    assert bank.exists() and log.exists()
    tokens, provenance = load_samples(bank)
    again = tmp_path / "bank.h5"
    checkpoint = provenance["checkpoint"]
    subprocess.run(
        [sys.executable, "-m", "diffgen.cli", "biased", "sample", "--checkpoint",
         str(ROOT / checkpoint),
         "--initial-noise", str(small_preset_results / "samples" /
                                f"initial_noise_{small_config['figures']['fig4a']['n_samples']}.h5"),
         "--spec", json.dumps(provenance["spec"]), "--out", str(again), "--device", "cpu",
         "--threads", "1"],
        check=True, capture_output=True,
    )  # fmt: skip
    tokens_again, _ = load_samples(again)
    assert (tokens == tokens_again).all()
