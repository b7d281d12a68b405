"""Study 1's controlled-setting figures end to end on the tiny config: every figure and
table, with the expected rows; the same config gives the same files."""

import hashlib
import json
import subprocess
import sys

import pandas as pd
import pytest
import yaml
from conftest import GRAMMAR_FIGURES as FIGURES
from conftest import ROOT
from tiny import CONFIGS

from diffgen.biased.config import check_consistency
from diffgen.biased.plan import Plan
from diffgen.biased.samples import load_samples
from diffgen.core.config import load_schema, merge, validate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def config(tiny_workflow):
    """Study 1's section of the tiny workflow's config, as the workflow checks it."""
    merged = {}
    for name in CONFIGS:
        merged = merge(merged, yaml.safe_load((tiny_workflow / name).read_text()))
    section = merged["biased"]
    validate(section, load_schema(ROOT / "workflow" / "studies" / "biased" / "schema.yaml"))
    check_consistency(section)
    return section


@pytest.fixture(scope="module")
def results(tiny_workflow):
    return tiny_workflow / "results" / "tiny" / "biased"


def test_every_figure_exists_and_is_non_empty(results):
    for figure in FIGURES:
        for ext in ("pdf", "png"):
            path = results / "figures" / f"{figure}.{ext}"
            assert path.stat().st_size > 10_000, path


def test_tables_have_the_expected_rows(results, config):
    plan = Plan(config)
    figs = config["figures"]
    tables = {f: pd.read_csv(results / "tables" / f"{f}.csv") for f in FIGURES}
    n4a = figs["fig4a"]["sizes"][0]
    fig4a = tables["fig4a"]
    assert sorted(fig4a["epoch"]) == plan.checkpoints(n4a)
    assert (fig4a["n_seeds"] == figs["fig4a"]["seeds"]).all()
    assert fig4a[["nn_kl_mean", "test_loss_mean", "train_loss_mean"]].notna().all().all()
    ks = plan.measurement(figs["fig1b"]["sequential"])["ks"]
    for name in ("fig1b", "fig6"):
        table = tables[name]
        series = {*(f"oracle_k{k}_{d}" for k in ks for d in ("test", "train")),
                  "split_disjoint", "split_same", "split_disjoint_train",
                  "split_same_train"}  # fmt: skip
        assert set(table["series"]) == series
        for n in figs[name]["sizes"]:
            assert len(table[table["n"] == n]) == len(series) * len(plan.checkpoints(n))
    fig3b, steps = tables["fig3b"], config["diffusion"]["T"]
    model = fig3b[fig3b["series"] == "model"]
    assert set(model["n"]) == set(figs["fig3b"]["sizes"]) and len(model) == steps * len(
        figs["fig3b"]["sizes"]
    )
    assert {"bp1", "bp2"} <= set(fig3b["series"])
    fig4b = tables["fig4b"]
    assert len(fig4b) == len(plan.checkpoints(figs["fig4b"]["sizes"][0])) * 2 * 2 * 3
    fig5 = tables["fig5"]
    assert set(fig5["reference"]) == {"nn_divergence_min", "test_loss_min"}
    assert len(fig5) == 2 * len(figs["fig5"]["t_fractions"]) * 2
    figa11 = tables["figA11"]
    assert {"model", "empirical", *(f"bp{k}" for k in figs["figA11"]["ks"])} == set(
        figa11["denoiser"]
    )


def test_loss_decomposition_adds_up_and_reference_epochs_are_checkpoints(results, config):
    plan = Plan(config)
    for path in (results / "measure" / "loss_decomposition").rglob("*.csv"):
        table = pd.read_csv(path)
        gap = (table["total"] - table["l_star"] - table["l_tilde"]).abs().max()
        assert gap < 1e-4, path
    for path in (results / "reference").glob("*.json"):
        n = int(path.stem.split("_n")[1])
        chosen = json.loads(path.read_text())
        assert chosen["test_loss_min"] in plan.checkpoints(n)
        if chosen["nn_divergence_min"] is not None:
            assert chosen["nn_divergence_min"] in plan.checkpoints(n)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_config_gives_the_same_files(tiny_workflow, results, config, tmp_path):
    """Regenerate the dataset and one sample bank by hand: byte-identical files (written
    at the same place below a `biased/` folder, which the identity record names)."""
    spec = {"grammar": config["grammar"], "data": config["data"]}
    out = tmp_path / "biased" / "data" / "grammar.h5"
    command = [sys.executable, "-m", "diffgen.cli", "biased", "data", "--spec", json.dumps(spec)]
    subprocess.run([*command, "--out", str(out)], check=True, capture_output=True)
    assert _digest(out) == _digest(results / "data" / "grammar.h5")
    n = config["figures"]["fig4a"]["sizes"][0]
    epoch = Plan(config).checkpoints(n)[1]
    bank = results / "samples" / f"n{n}" / "split0_seed0" / f"epoch{epoch}.h5"
    tokens, provenance = load_samples(bank)
    again = tmp_path / "bank.h5"
    noise = results / "samples" / f"initial_noise_{config['figures']['fig4a']['n_samples']}.h5"
    subprocess.run(
        [sys.executable, "-m", "diffgen.cli", "biased", "sample", "--checkpoint",
         str(tiny_workflow / provenance["checkpoint"]), "--initial-noise", str(noise),
         "--spec", json.dumps(provenance["spec"]), "--out", str(again), "--device", "cpu",
         "--threads", "1"],
        check=True, capture_output=True,
    )  # fmt: skip
    tokens_again, _ = load_samples(again)
    assert (tokens == tokens_again).all()
