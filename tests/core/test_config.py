"""Config validation: defaults, one-line errors naming the key, paper-scale DAG."""

import copy
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import paper_settings

from diffgen.biased.config import check_consistency
from diffgen.biased.grammar import build_grammar, sample_pool
from diffgen.biased.plan import Plan
from diffgen.core.config import load_schema, typed_overrides, validate
from diffgen.core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SHARED_SCHEMA = load_schema(ROOT / "workflow" / "schemas" / "config.schema.yaml")
SCHEMA = load_schema(ROOT / "workflow" / "studies" / "biased" / "schema.yaml")
#: Study 1 at paper scale (config.yaml, schema defaults filled in).
PAPER = paper_settings("biased")


def filled(section):
    """Study 1's section checked as the workflow checks it, defaults filled in."""
    section = copy.deepcopy(section)
    validate(section, SCHEMA, "biased")
    check_consistency(section)
    return section


def test_paper_config_is_valid_and_defaults_fill_an_empty_config():
    assert filled(PAPER)["training"]["runs"][2] == {"n": 70000, "epochs": 35000}
    empty = filled({})
    assert empty["grammar"] == {"q": 6, "l": 4, "sigma": 1.0, "q_eff": 4, "seed": 0}
    assert empty["figures"]["fig4a"]["n_samples"] == 50000
    assert empty["model"]["d_model"] == 512


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        (
            lambda c: c["training"].update(lr="fast"),
            r"'biased\.training\.lr'.*not of type 'number'",
        ),
        (lambda c: c["training"].update(lrr=1.0), r"unknown config key 'biased\.training\.lrr'"),
        (lambda c: c.update(devise="cpu"), r"unknown config key 'biased\.devise'"),
        (
            lambda c: c["training"]["runs"][1].update(epochs=-5),
            r"'biased\.training\.runs\[1\]\.epochs'",
        ),
        (lambda c: c["grammar"].update(q_eff=9), r"'biased\.grammar\.q_eff'.*exceeds q=6"),
        (lambda c: c["model"].update(heads=3), r"'biased\.model\.heads'.*does not divide"),
        (
            lambda c: c["figures"]["fig4a"].update(sizes=[777]),
            r"'biased\.figures\.fig4a\.sizes'.*777",
        ),
        (lambda c: c["figures"]["fig5"].update(seeds=40), r"'biased\.figures\.fig5\.seeds'"),
        (lambda c: c["data"].update(n_sequences=1000), r"'biased\.data\.n_sequences'"),
        (lambda c: c["diffusion"].update(T=20), r"'biased\.diffusion\.T'.*reaches 1"),
        (lambda c: c["diffusion"].update(T=10**12), r"'biased\.diffusion\.T'.*more than"),
        (lambda c: c["diffusion"].update(beta_end=1.5), r"'biased\.diffusion\.beta_end'"),
        (lambda c: c["diffusion"].update(beta_end=1e-5), r"'biased\.diffusion\.beta_end'.*below"),
    ],
)
def test_bad_values_give_one_line_errors_naming_the_key(change, pattern):
    config = copy.deepcopy(PAPER)
    change(config)
    with pytest.raises(ConfigError) as info:
        filled(config)
    message = str(info.value)
    assert "\n" not in message
    assert re.search(pattern, message), message


def test_an_imported_pool_too_small_for_the_splits_fails_at_parse_time(tmp_path):
    """With data.import_path the pool is the file less n_test, read when the config is."""
    g = build_grammar(6, 4, 1.0, 4, seed=0)
    leaves, roots = sample_pool(g, 1000, seed=0, stream=0)
    reference = tmp_path / "labeled_data_restrictedfixed_6_4_1.0_4_0.npy"
    payload = [6, 4, 1.0, roots.astype(float), leaves.T.copy(), g.M, []]
    np.save(reference, np.array(payload, dtype=object), allow_pickle=True)
    small = {
        "data": {"import_path": str(reference), "n_test": 200},
        "training": {"seeds": 2, "runs": [{"n": 400, "epochs": 10}]},
        "sequential": {"critical": {"seeds": 2, "n_sequences": 100}},
        "figures": {name: {"sizes": [400], "seeds": 2} for name in ("fig3b", "fig4a", "fig4b",
                    "fig5", "figA11")},
        "evaluation": {"loss_sequences": 100},
        "sample_split": {"same_split_pairs": 1},
    }  # fmt: skip
    small["figures"].update({name: {"sizes": [400]} for name in ("fig1b", "fig6")})
    for figure in ("fig3b", "fig4b", "fig5"):
        small["figures"][figure]["n_sequences"] = 100
    small["figures"]["fig4a"]["n_samples"] = 100
    small["figures"]["figA11"]["empirical_size"] = 100
    assert filled(small)["data"]["import_path"] == str(reference)  # 2 x 400 <= 1000 - 200

    too_many = copy.deepcopy(small)
    too_many["data"]["n_test"] = 300  # 700 training sequences left, 800 needed
    with pytest.raises(ConfigError, match=r"'biased\.data\.import_path'.*need 800 .* holds 700"):
        filled(too_many)
    missing = copy.deepcopy(small)
    missing["data"]["import_path"] = str(tmp_path / "nope.npy")
    with pytest.raises(
        ConfigError, match=r"'biased\.data\.import_path'.*nope\.npy.*does not exist"
    ):
        filled(missing)


def _dry_run(*args):
    return subprocess.run(
        ["snakemake", "-n", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def _only_line(result):
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_snakemake_reports_a_bad_config_on_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("biased:\n  training:\n    batch_size: zero\n")
    assert _only_line(_dry_run("fig4a", "--configfile", str(bad))) == (
        "diffgen: config key 'biased.training.batch_size': 'zero' is not of type 'integer'"
    )


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("devise=cpu", "unknown config key 'devise'"),
        ("studies=[biased, nope]", "config key 'studies': no study 'nope'"),
        ("biased={training: {seeds: zero}}", "'biased.training.seeds': 'zero' is not of type"),
        ("biased={diffusion: {T: 5}}", "'biased.diffusion.T': with T=5"),
        ("biased={training: {seeds: [}", "--config biased:"),
        (
            "biased={figures: {fig6: {sequential: late}}}",
            "'biased.figures.fig6.sequential': no measurement 'late' under sequential (critical)",
        ),
    ],
)
def test_bad_command_line_overrides_are_one_line(override, message):
    assert message in _only_line(_dry_run("fig4a", "--config", override))


def test_nested_command_line_overrides_keep_their_types():
    """`--config biased='{training: {seeds: 2}}'` is an int, not the string '2'."""
    overrides = typed_overrides(["biased={training: {seeds: 2, lr: 1e-3}, diffusion: {T: 50}}"])
    assert overrides == {"biased": {"training": {"seeds": 2, "lr": 0.001}, "diffusion": {"T": 50}}}
    result = _dry_run("fig4a", "--config", "biased={figures: {fig4a: {seeds: 3}}}")
    assert result.returncode == 0, result.stderr
    assert re.search(r"biased_train_n12000\s+3\b", result.stdout), result.stdout[-2000:]


def test_shared_keys_take_their_defaults():
    shared = {}
    validate(shared, SHARED_SCHEMA)
    assert shared["results"] == "results" and shared["device"] == "auto"
    assert shared["threads"] == {"gpu_job": 4, "cpu_job": 2}


def test_named_entries_take_the_defaults_of_their_schema():
    # A mapping of user-chosen names (e.g. rhm.runs.<family>) fills each entry's defaults.
    schema = {
        "type": "object",
        "properties": {
            "families": {
                "type": "object",
                "default": {},
                "additionalProperties": {
                    "type": "object",
                    "properties": {"seeds": {"type": "integer", "default": 3}},
                },
            }
        },
    }
    section = {"families": {"a": {}, "b": {"seeds": 1}}}
    validate(section, schema)
    assert section == {"families": {"a": {"seeds": 3}, "b": {"seeds": 1}}}


def test_named_entries_given_merge_onto_the_default_entries():
    # As a config file onto config.yaml: a change to one entry keeps the others.
    entry = {"type": "object", "properties": {"seeds": {"type": "integer", "default": 3}}}
    schema = {
        "type": "object",
        "properties": {
            "families": {
                "type": "object",
                "default": {"curve": {"seeds": 5}, "sweep": {}},
                "additionalProperties": entry,
            }
        },
    }
    section = {"families": {"sweep": {"seeds": 1}, "extra": {}}}
    validate(section, schema)
    assert section["families"] == {
        "curve": {"seeds": 5},
        "sweep": {"seeds": 1},
        "extra": {"seeds": 3},
    }


def test_plan_of_the_paper():
    plan = Plan(filled(PAPER))
    assert len(plan.checkpoints(12000)) == 25
    assert plan.checkpoints(12000)[0] == 100 and plan.checkpoints(12000)[-1] == 30000
    # 15 seeds per size plus 3 same-split twins (Fig 1b/6 sizes), for 3 sizes.
    assert len(plan.all_models()) == 3 * 18
    pairs = plan.pairs("critical", 12000)
    assert sum(p.same_split for p in pairs) == 3 and len(pairs) == 105 + 3  # C(15, 2) + twins
    assert all(p.first.split != p.second.split for p in pairs if not p.same_split)
    assert all(p.first.split == p.second.split for p in pairs if p.same_split)


def _job_counts(*arguments):
    result = subprocess.run(
        ["snakemake", "-n", *arguments, "--quiet", "rules"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    counts = {}
    for line in result.stdout.splitlines():
        match = re.match(r"^(\w+)\s+(\d+)$", line.strip())
        if match:
            counts[match.group(1)] = int(match.group(2))
    return counts


def test_paper_scale_dry_run_lists_the_paper_jobs():
    counts = _job_counts("fig4a")
    assert counts["biased_train_n12000"] == 15
    assert counts["biased_sample_bank"] == 15 * 25
    assert counts["biased_nn_divergence"] == 15 and counts["biased_test_loss"] == 15
    fig6 = _job_counts("fig6")
    trainings = [fig6[f"biased_train_n{n}"] for n in (5000, 12000, 70000)]
    assert trainings == [18, 18, 18]
    # One sample-split job per size (every pair of its models), one sequential per model.
    assert fig6["biased_sample_split"] == 3 and fig6["biased_sequential"] == 45
    fig3b = _job_counts("fig3b")
    assert fig3b["biased_reference_epochs"] == 3 and fig3b["biased_score_divergence"] == 3
    # Its reference epochs come from Fig 4(a)'s 15 seed-averaged runs at 12k (reference_curves).
    assert fig3b["biased_train_n12000"] == 15 and fig3b["biased_test_loss"] == 25
    alias = _job_counts("biased_fig4a")
    assert alias.pop("biased_fig4a") == counts.pop("fig4a") == 1
    assert alias == counts


def test_figures_naming_one_measurement_plan_its_jobs_once():
    """Fig 1(b) and Fig 6 name one measurement: Fig 1(b)'s models at 12k are among Fig 6's,
    so both figures add no job to Fig 6's; naming another adds that one's jobs."""
    shared = _job_counts("fig1b", "fig6")
    assert shared["biased_sequential"] == 45 and shared["biased_sample_split"] == 3
    late = "biased={sequential: {late: {t_fraction: 0.2}}, figures: {fig1b: {sequential: late}}}"
    apart = _job_counts("fig1b", "fig6", "--config", late)
    assert apart["biased_sequential"] == 45 + 15 and apart["biased_sample_split"] == 3 + 1
    assert apart["biased_train_n12000"] == shared["biased_train_n12000"] == 18
