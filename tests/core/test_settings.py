"""One definition of a valid setting: a hand-run job refuses what the config checks refuse.

Each case is a setting the schema lets through but a cross-key check rules out
(a schedule that is impossible, a step beyond T, an empty or unordered
checkpoint list). It goes once through the real command line (a subprocess,
as a user reruns a job by hand) and, where the config can state it, once
through the config check; both must end with one line naming the key, and the
same words after it. Nothing is written.
"""

from __future__ import annotations

import copy
import importlib
import json
import subprocess
import sys
from dataclasses import dataclass, field

import pytest
import yaml
from conftest import ROOT

from diffgen.core.config import load_schema, merge, validate
from diffgen.core.errors import ConfigError

# -- valid specs of the job kinds the cases break ---------------------------------

GRAMMAR_MODEL = {"vocab": 6, "length": 16, "d_model": 16, "heads": 2, "layers": 1,
                 "ff_mult": 2, "time_dim": 8, "dropout": 0.0}  # fmt: skip
BIASED_TRAIN = {
    "n": 64, "split": 0, "seed": 0, "epochs": 10, "checkpoints": [2, 10], "model": GRAMMAR_MODEL,
    "T": 50, "beta_start": 1e-4, "beta_end": 0.02, "batch_size": 16, "lr": 1e-3,
    "lr_warm_epochs": 2, "lr_mid": 0.5, "lr_final": 0.1, "mixed_precision": False,
}  # fmt: skip
BIASED_LOSS = {"n": 64, "split": 0, "seed": 0, "mixed_precision": False, "loss_sequences": 16,
               "diffusion": {"T": 50, "beta_start": 1e-4, "beta_end": 0.02},
               "train_loss_sequences": None, "eval_seed": 0, "batch_size": 64}  # fmt: skip
UNET = {"base": 8, "mults": [1, 2], "attention": [False, True], "res_blocks": 1, "dropout": 0.0,
        "groups": 8}  # fmt: skip
FACES_DIFFUSION = {"T": 100, "beta_start": 1e-4, "beta_end": 0.02}
FACES_TRAIN = {"split": 0, "seed": 0, "n": 16, "epochs": 20, "checkpoints": [5, 19],
               "model": UNET, "diffusion": FACES_DIFFUSION, "batch_size": 8, "lr": 1e-3,
               "mixed_precision": False}  # fmt: skip
FACES_NOISE = {"epoch": 5, "splits": 2, "n": 16, "diffusion": FACES_DIFFUSION, "ks": [10, 50],
               "inputs": 4, "seed": 0, "batch_size": 4}  # fmt: skip
RHM_DIFFUSION = {"T": 200, "beta1": 1e-3, "beta2": 0.1}
RHM_RUN = {"grammar": "v8_n8_m3_s2_L3", "P": 64, "seed": 0}
RHM_TRAIN = {
    **RHM_RUN, "steps": 16, "checkpoints": [1, 2, 4, 8, 16], "seed_model": 2,
    "network": {"v": 8, "s": 2, "d": 8, "width": 16, "depth": 3, "T": 200},
    "diffusion": RHM_DIFFUSION, "batch_size": 8, "lr": 1e-4, "n_trajectories": 1,
    "mixed_precision": False, "log_every": 4,
}  # fmt: skip
RHM_SAMPLE = {"run": RHM_RUN, "step": 16, "diffusion": RHM_DIFFUSION, "n_samples": 4, "seed": 0,
              "batch_size": 4, "mixed_precision": False}  # fmt: skip
RHM_FB_BP = {"grammar": "v8_n8_m3_s2_L3", "count": 4, "t": [5, 10], "diffusion": RHM_DIFFUSION,
             "seed": 0, "dtype": "float32", "batch_size": 4}  # fmt: skip

#: Each kind's file arguments: (option, name under the case's folder); '/' marks an output.
FILES = {
    ("biased", "train"): [("--data", "data.h5"), ("--run-dir", "/run")],
    ("biased", "loss"): [
        ("--data", "data.h5"),
        ("--checkpoints", "epoch10.pt"),
        ("--out", "/loss.csv"),
    ],
    ("biased", "faces-train"): [("--data", "faces.h5"), ("--run-dir", "/run")],
    ("biased", "faces-noise-prediction"): [
        ("--data", "faces.h5"),
        ("--checkpoints", "a.pt"),
        ("--out", "/noise.csv"),
    ],
    ("rhm", "train"): [("--data", "data.h5"), ("--run-dir", "/run")],
    ("rhm", "sample"): [("--checkpoint", "step16.pt"), ("--out", "/samples.h5")],
    ("rhm", "forward-backward-bp"): [
        ("--strings", "strings.h5"),
        ("--keep", "/keep.csv"),
        ("--fluct", "/fluct.csv"),
    ],
}


@dataclass
class Case:
    """A setting broken in a job's spec and, where the config states it, in the config."""

    study: str
    kind: str
    spec: dict
    spec_key: str
    section: str = ""  # config section the check reads: 'biased', 'biased.faces', 'rhm'
    config: dict = field(default_factory=dict)  # the same setting, in that section
    config_key: str = ""


CASES = {
    "T too small for the rescaled schedule": Case(
        "biased",
        "train",
        {**BIASED_TRAIN, "T": 10},
        "T",
        "biased",
        {"diffusion": {"T": 10}},
        "biased.diffusion.T",
    ),
    "beta_end below beta_start": Case(
        "biased",
        "loss",
        {**BIASED_LOSS, "diffusion": {"T": 50, "beta_start": 0.03, "beta_end": 0.02}},
        "diffusion.beta_end",
        "biased",
        {"diffusion": {"beta_start": 0.03, "beta_end": 0.02}},
        "biased.diffusion.beta_end",
    ),
    "faces: T too small for the rescaled schedule": Case(
        "biased",
        "faces-train",
        {**FACES_TRAIN, "diffusion": {**FACES_DIFFUSION, "T": 10}},
        "diffusion.T",
        "biased.faces",
        {"diffusion": {"T": 10}},
        "biased.faces.diffusion.T",
    ),
    "faces: step k beyond T": Case(
        "biased",
        "faces-noise-prediction",
        {**FACES_NOISE, "ks": [10, 100]},
        "ks",
        "biased.faces",
        {"diffusion": {"T": 100}, "noise_prediction": {"ks": [10, 100]}},
        "biased.faces.noise_prediction.ks",
    ),
    "rhm: beta2 below beta1": Case(
        "rhm",
        "sample",
        {**RHM_SAMPLE, "diffusion": {**RHM_DIFFUSION, "beta2": 1e-4}},
        "diffusion.beta2",
        "rhm",
        {"diffusion": {"beta2": 1e-4}},
        "rhm.diffusion.beta2",
    ),
    "rhm: t beyond T": Case(
        "rhm",
        "forward-backward-bp",
        {**RHM_FB_BP, "t": [5, 300]},
        "t",
        "rhm",
        {"figures": {"fig3": {"t": [5, 300]}}},
        "rhm.figures.fig3.t",
    ),
    # Checkpoint lists come from the plan in the workflow (never empty or unordered
    # there); a hand-written spec can state them, and the job refuses them.
    "biased: no checkpoint": Case(
        "biased", "train", {**BIASED_TRAIN, "checkpoints": []}, "checkpoints"
    ),
    "faces: unordered checkpoints": Case(
        "biased", "faces-train", {**FACES_TRAIN, "checkpoints": [19, 5]}, "checkpoints"
    ),
    "rhm: checkpoint beyond the steps": Case(
        "rhm", "train", {**RHM_TRAIN, "checkpoints": [4, 32]}, "checkpoints"
    ),
}
VALID = {
    ("biased", "train"): BIASED_TRAIN,
    ("biased", "loss"): BIASED_LOSS,
    ("biased", "faces-train"): FACES_TRAIN,
    ("biased", "faces-noise-prediction"): FACES_NOISE,
    ("rhm", "train"): RHM_TRAIN,
    ("rhm", "sample"): RHM_SAMPLE,
    ("rhm", "forward-backward-bp"): RHM_FB_BP,
}


def job_spec(study: str, kind: str):
    return importlib.import_module(f"diffgen.{study}.jobs.{kind.replace('-', '_')}").SPEC


def body(line: str, key: str) -> str:
    """What a message says after naming ``key`` ("... key 'K': <body>")."""
    head = f"key '{key}': "
    assert head in line, (head, line)
    return line.split(head, 1)[1]


def run_job(case: Case, folder) -> subprocess.CompletedProcess:
    args = []
    for option, name in FILES[(case.study, case.kind)]:
        path = folder / name.lstrip("/")
        if not name.startswith("/"):
            path.write_bytes(b"")  # an input that exists; the spec is refused before it is read
        args += [option, str(path)]
    command = [sys.executable, "-m", "diffgen.cli", case.study, case.kind,
               "--spec", json.dumps(case.spec), *args]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)


def config_message(case: Case) -> str:
    """The config check's message for the case's section (paper config + small preset)."""
    study = case.section.split(".")[0]
    config = yaml.safe_load((ROOT / "config.yaml").read_text())[study]
    small = yaml.safe_load((ROOT / "resources" / "presets" / "small.yaml").read_text())[study]
    config = merge(config, small)
    schema = load_schema(ROOT / "workflow" / "studies" / study / "schema.yaml")
    if case.section == "biased.faces":
        from diffgen.biased.faces.config import check_consistency

        section, schema = merge(config["faces"], case.config), schema["properties"]["faces"]
    else:
        check_consistency = importlib.import_module(f"diffgen.{study}.config").check_consistency
        section = merge(config, case.config)
    validate(section, schema, case.section)  # the schema lets the setting through
    with pytest.raises(ConfigError) as err:
        check_consistency(section)
    return f"diffgen: {err.value}"


def test_every_base_spec_is_valid():
    """The cases break one setting of a spec the job accepts."""
    for (study, kind), spec in VALID.items():
        assert job_spec(study, kind).parse(json.dumps(copy.deepcopy(spec))) is not None


@pytest.mark.parametrize("name", list(CASES))
def test_job_and_config_refuse_a_setting_alike(name, tmp_path):
    case = CASES[name]
    result = run_job(case, tmp_path)
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("diffgen:")]
    assert len(lines) == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    job_words = body(lines[0], case.spec_key)
    assert lines[0].startswith(f"diffgen: --spec key '{case.spec_key}'"), lines[0]
    written = sorted(p.name for p in tmp_path.rglob("*") if p.stat().st_size)
    outputs = [n.lstrip("/") for _, n in FILES[(case.study, case.kind)] if n.startswith("/")]
    assert not written and not any((tmp_path / n).exists() for n in outputs), written
    if case.section:
        line = config_message(case)
        assert line.startswith(f"diffgen: config key '{case.config_key}'"), line
        assert body(line, case.config_key) == job_words
