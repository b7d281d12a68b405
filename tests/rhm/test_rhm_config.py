"""The rhm config: defaults, one-line errors naming the key, the plan, the paper-scale DAG."""

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import paper_settings, workflow_config

from diffgen.core.config import load_schema, validate
from diffgen.core.errors import ConfigError
from diffgen.rhm.config import check_consistency
from diffgen.rhm.plan import Plan, Run

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = load_schema(ROOT / "workflow" / "studies" / "rhm" / "schema.yaml")
#: Study 5 at paper scale and with the small preset (config.yaml, schema defaults filled in).
PAPER = paper_settings("rhm")
SMALL = workflow_config("resources/presets/small.yaml", study="rhm")


def filled(section):
    section = copy.deepcopy(section)
    validate(section, SCHEMA, "rhm")
    check_consistency(section)
    return section


def test_paper_config_matches_the_schema_defaults_and_the_spec():
    paper, empty = filled(PAPER), filled({})
    assert paper == empty
    plan = Plan(paper)
    assert len(plan.runs("curve")) == 3 and len(plan.runs("sweep")) == 27
    assert len(plan.all_runs()) == 30 and len(plan.datasets()) == 10
    assert plan.checkpoints()[-1] == 160_000 and len(plan.sampled()) == 19
    assert plan.depth("v8n8m3s2L3") == 3 and plan.shapes["v16n16m4s2L3"].pmax == 262_144
    assert plan.fb_grammars() == ["v8n8m3s2L3", "v16n16m4s2L6", "v32n32m8s2L5"]
    assert plan.fb_models() == [Run("v8n8m3s2L3", 1024, s) for s in range(3)]


def test_small_preset_shares_the_curve_run_with_the_sweep():
    plan = Plan(filled(SMALL))
    assert plan.all_runs() == [Run("v8n8m3s2L3", 128, 0), Run("v8n8m3s2L3", 1024, 0)]
    assert plan.sampled() == [256, 512, 1024, 2048, 4096]
    assert plan.measured("last") == [4096]
    assert plan.string_count("v8n8m3s2L3") == 512 and plan.string_count("v16n16m4s2L4") == 512


def grammar(**values):
    return {"v": 8, "m": 3, "s": 2, "L": 3, **values}


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        (lambda c: c["runs"]["sweep"].update(grammar={"v": 4, "n": 2, "m": 5, "s": 2, "L": 3}),
         r"'rhm\.runs\.sweep\.grammar\.m': v·m = 20 .* v\^s = 16"),
        (lambda c: c["runs"]["curve"].update(grammar={"v": 4, "n": 9, "m": 2, "s": 2, "L": 2}),
         r"'rhm\.runs\.curve\.grammar\.m': n·m = 18"),
        (lambda c: c["forward_backward"]["grammars"].append(grammar(m=9)),
         r"'rhm\.forward_backward\.grammars\[3\]\.m'"),
        (lambda c: c["runs"]["curve"].update(P=17_000),
         r"'rhm\.runs\.curve\.P': P = 17000 plus data\.P_test = 1024 exceeds Pmax = 17,496"),
        (lambda c: c["runs"]["sweep"].update(P=[256, 262_000]), r"'rhm\.runs\.sweep\.P'"),
        (lambda c: c["forward_backward"].update(t=[5, 300]),
         r"'rhm\.forward_backward\.t': step 300"),
        (lambda c: c["runs"]["sweep"].update(measured="some"), r"'rhm\.runs\.sweep\.measured'"),
        (lambda c: c["model"].update(depth=4), r"'rhm\.model\.depth': 4 exceeds L=3"),
        (lambda c: c["diffusion"].update(beta2=1e-4), r"'rhm\.diffusion\.beta2'"),
        (lambda c: c["evaluation"].update(first_step=10**6), r"'rhm\.evaluation\.first_step'"),
        (lambda c: c["training"].update(lrr=1.0), r"unknown config key 'rhm\.training\.lrr'"),
        (lambda c: c["training"].update(lr="fast"), r"'rhm\.training\.lr'.*not of type"),
        (lambda c: c["runs"].update(extra={"grammar": {"v": 8, "m": 3, "s": 2}, "P": 512}),
         r"'rhm\.runs\.extra\.grammar'.*'L'"),
        (lambda c: c.update(rules_path="/nonexistent/rules.pt"), r"'rhm\.rules_path'.*nonexistent"),
        # Figures and the forward-backward section name sections that must exist.
        (lambda c: c["figures"]["fig2"].update(runs="swep"),
         r"^config key 'rhm\.figures\.fig2\.runs': no run family 'swep' \(runs: curve, sweep\)$"),
        (lambda c: c["figures"]["fig3"].update(measurement="fb"),
         r"^config key 'rhm\.figures\.fig3\.measurement': no measurement 'fb'"),
        (lambda c: c["figures"].update(fig9={"runs": "curve"}),
         r"^config key 'rhm\.figures\.fig9': no such figure"),
        (lambda c: c["forward_backward"].update(model="curv"),
         r"^config key 'rhm\.forward_backward\.model': no run family 'curv'"),
        (lambda c: c["runs"]["sweep"].update(epochs_of="curv"),
         r"^config key 'rhm\.runs\.sweep\.epochs_of': no run family 'curv'"),
        (lambda c: c["runs"]["curve"].update(epochs_of="sweep"),
         r"^config key 'rhm\.runs\.curve\.epochs_of': runs\.sweep has 9 sizes P"),
        # P = 512 trains 80,000 steps by the curve's epochs, 160,000 in a steps family.
        (lambda c: c["runs"].update(extra={"grammar": grammar(), "P": [512]},
                                    sweep={**c["runs"]["sweep"], "epochs_of": "curve"}),
         r"^config key 'rhm\.runs\.(sweep|extra)\.epochs_of': P = 512 trains"),
    ],
)  # fmt: skip
def test_bad_values_give_one_line_errors_naming_the_key(change, pattern):
    section = copy.deepcopy(PAPER)
    change(section)
    with pytest.raises(ConfigError) as info:
        filled(section)
    message = str(info.value)
    assert "\n" not in message
    assert re.search(pattern, message), message


def test_a_family_takes_the_schema_defaults_and_its_measured_checkpoints():
    section = copy.deepcopy(PAPER)
    section["runs"]["extra"] = {"grammar": grammar(), "P": 512}
    section["figures"]["fig2"]["runs"] = "extra"
    section = filled(section)
    plan = Plan(section)
    assert section["runs"]["extra"] == {"grammar": grammar(), "P": 512, "seeds": 3,
                                        "measured": "last", "epochs_of": None}  # fmt: skip
    assert plan.section_of("fig2", "measure") == "extra"
    assert plan.section_of("fig3", "keep") == "forward_backward"
    assert [plan.measured_of(f) for f in ("curve", "extra")] == ["all", "last"]
    assert Run("v8n8m3s2L3", 512, 2) in plan.all_runs() and len(plan.all_runs()) == 33


def test_replacement_lifts_the_pmax_check():
    section = copy.deepcopy(PAPER)
    section["runs"]["curve"]["P"] = 17_000
    section["data"]["replacement"] = True
    filled(section)


def _snakemake(*args):
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def test_paper_dry_run_lists_the_training_jobs_on_a_gpu():
    result = _snakemake("-n", "-p", "rhm")
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    # The default budget: every run trains training.steps.
    assert _train_steps(out) == {P: {160_000} for P in PAPER["runs"]["sweep"]["P"]}
    counts = dict(re.findall(r"^(rhm_\w+)\s+(\d+)$", out, flags=re.M))
    assert counts["rhm_train"] == "30" and counts["rhm_sample_bank"] == "84"
    assert counts["rhm_dataset"] == "10" and counts["rhm_forward_backward_bp"] == "3"
    blocks = re.findall(r"rule rhm_train:\n(.*?)\n\n", out + "\n\n", flags=re.S)
    assert blocks and all("gpu=1" in re.sub(r"\s+", " ", b) for b in blocks)
    bad = _snakemake("-n", "rhm", "--config", "rhm={runs: {curve: {P: 20000}}}")
    lines = [line for line in bad.stderr.splitlines() if line.startswith("diffgen:")]
    assert bad.returncode != 0 and len(lines) == 1 and "'rhm.runs.curve.P'" in lines[0]
    unknown = _snakemake("-n", "rhm", "--config", "rhm={figures: {fig1: {runs: nothing}}}")
    lines = [line for line in unknown.stderr.splitlines() if line.startswith("diffgen:")]
    assert unknown.returncode != 0 and len(lines) == 1, unknown.stderr[-2000:]
    assert "'rhm.figures.fig1.runs': no run family 'nothing'" in lines[0]


def test_sweep_epoch_budget_gives_the_references_steps_per_P():
    # The reference trains every P for 10^4 epochs of batch 64 (the curve family:
    # P = 1024, 160,000 steps): an epoch of P strings is ceil(P / 64) batches.
    default, epochs = Plan(filled(PAPER)), copy.deepcopy(PAPER)
    epochs["runs"]["sweep"]["epochs_of"] = "curve"
    plan = Plan(filled(epochs))
    assert plan.epochs("curve") == 10_000
    for P in PAPER["runs"]["sweep"]["P"]:
        assert default.steps(P) == 160_000 and default.checkpoints(P)[-1] == 160_000
        assert plan.steps(P) == 10_000 * -(-P // 64) and plan.checkpoints(P)[-1] == plan.steps(P)
    assert plan.steps(256) == 40_000 and plan.steps(65_536) == 10_240_000
    assert plan.steps(PAPER["runs"]["curve"]["P"]) == 160_000  # the curve's runs are unchanged
    assert list(default.budgets()) == [160_000] and len(plan.budgets()) == 9
    small = copy.deepcopy(SMALL)
    small["runs"]["sweep"]["epochs_of"] = "curve"
    # 4,096 steps of P = 1024 at batch 64 are 256 epochs; P = 128 is 2 batches an epoch.
    assert Plan(filled(small)).steps(128) == 512 and Plan(filled(small)).steps(1024) == 4096


def _train_steps(out):
    """P -> the steps in the specs of the train jobs a dry run prints."""
    specs = [json.loads(s) for s in re.findall(r"rhm train --data \S+ --spec '(\{.*?\})'", out)]
    steps = {}
    for spec in specs:
        assert spec["checkpoints"][-1] == spec["steps"]
        steps.setdefault(spec["P"], set()).add(spec["steps"])
    return steps


def test_sweep_epoch_budget_reaches_the_train_jobs():
    result = _snakemake(
        "-n", "-p", "rhm_fig2", "--config", "rhm={runs: {sweep: {epochs_of: curve}}}"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    steps = _train_steps(result.stdout)
    assert steps == {P: {10_000 * -(-P // 64)} for P in PAPER["runs"]["sweep"]["P"]}
    counts = dict(re.findall(r"^(rhm_train\w*)\s+(\d+)$", result.stdout, flags=re.M))
    assert counts == {f"rhm_train_{s}" if s != 160_000 else "rhm_train": "3"
                      for (s,) in steps.values()}  # fmt: skip
