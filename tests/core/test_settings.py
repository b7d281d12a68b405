"""One definition of a valid setting: a hand-run job refuses what the config checks refuse.

Each case is a setting the schema lets through but a cross-key check rules out
(a schedule that is impossible, a step beyond T, an empty or unordered
checkpoint list). It goes once through the real command line (a subprocess,
as a user reruns a job by hand) and, where the config can state it, once
through the config check; both must end with one line naming the key, and the
same words after it. Nothing is written.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import importlib
import inspect
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field

import pytest
from conftest import ROOT, paper_settings, workflow_config

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

BIASED_DATA = {
    "grammar": {"q": 6, "l": 4, "sigma": 1.0, "q_eff": 4, "seed": 0},
    "data": {"n_sequences": 1000, "n_test": 100, "seed": 0, "import_path": ""},
}
RHM_GRAMMAR = {"v": 8, "n": 8, "m": 3, "s": 2, "L": 3}
RHM_DATA = {"grammar": RHM_GRAMMAR, "seed_rules": 42, "rules_path": "", "P": 64, "P_test": 32,
            "seed_sample": 1, "replacement": True}  # fmt: skip
RHM_STRINGS = {"grammar": RHM_GRAMMAR, "seed_rules": 42, "rules_path": "", "count": 64,
               "seed": 0}  # fmt: skip
ABSURD = {"v": 2, "n": 2, "m": 2, "s": 16, "L": 12}

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
    ("rhm", "data"): [("--out", "/data.h5")],
    ("biased", "data"): [("--out", "/data.h5")],
    ("rhm", "strings"): [("--out", "/strings.h5")],
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
        {"forward_backward": {"t": [5, 300]}},
        "rhm.forward_backward.t",
    ),
    "rhm: strings that cannot fit in memory": Case(
        "rhm",
        "data",
        {**RHM_DATA, "P": 10**12},
        "P",
        "rhm",
        {"data": {"replacement": True, "P_test": 32}, "runs": {"curve": {"P": 10**12}}},
        "rhm.runs.curve.P",
    ),
    "rhm: a grammar too large to exist": Case(
        "rhm",
        "strings",
        {**RHM_STRINGS, "grammar": ABSURD},
        "grammar.L",
        "rhm",
        {"runs": {"curve": {"grammar": ABSURD}}},
        "rhm.runs.curve.grammar.L",
    ),
    "biased: a pool that cannot fit in memory": Case(
        "biased",
        "data",
        {**BIASED_DATA, "data": {**BIASED_DATA["data"], "n_sequences": 10**12}},
        "data.n_sequences",
        "biased",
        {"data": {"n_sequences": 10**12, "n_test": 100}},
        "biased.data.n_sequences",
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
    ("rhm", "data"): RHM_DATA,
    ("biased", "data"): BIASED_DATA,
    ("rhm", "strings"): RHM_STRINGS,
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
    config = workflow_config("resources/presets/small.yaml", study=study)
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


# -- parse time stays fast and honest ----------------------------------------------

#: A hang guard, not a performance target: each check must answer well within this.
PARSE_SECONDS = 2.0


def timed_config_error(study: str, section: dict, changes: dict) -> str:
    """The config check's one line for ``section`` with ``changes``, timed."""
    start = time.perf_counter()
    with pytest.raises(ConfigError) as err:
        checked(study, merge(section, changes))
    seconds = time.perf_counter() - start
    assert seconds < PARSE_SECONDS, f"the check took {seconds:.1f} s"
    message = str(err.value)
    assert "\n" not in message
    return message


def checked(study: str, section: dict) -> dict:
    if study == "biased.faces":
        from diffgen.biased.faces.config import check_consistency

        schema = load_schema(ROOT / "workflow" / "studies" / "biased" / "schema.yaml")
        schema = schema["properties"]["faces"]
    else:
        check_consistency = importlib.import_module(f"diffgen.{study}.config").check_consistency
        schema = load_schema(ROOT / "workflow" / "studies" / study / "schema.yaml")
    validate(section, schema, study)
    check_consistency(section)
    return section


def paper(study: str) -> dict:
    """The section at ``study`` ('rhm', 'biased.faces') at paper scale, defaults filled in."""
    return paper_settings(*study.split("."))


def test_an_absurd_grammar_shape_is_refused_at_once():
    # 2^16^12 leaves: its exact string count m^((s^L − 1)/(s − 1)) never finishes.
    absurd = {"v": 2, "n": 2, "m": 2, "s": 16, "L": 12}
    message = timed_config_error("rhm", paper("rhm"), {"runs": {"curve": {"grammar": absurd}}})
    assert message.startswith("config key 'rhm.runs.curve.grammar.L'"), message
    assert f"{16**12:,} leaves" in message


def test_a_huge_but_possible_grammar_is_checked_in_log_space():
    # Pmax = 64·64^4095: strings are drawn with replacement, no exact count needed.
    start = time.perf_counter()
    big = {"v": 64, "n": 64, "m": 64, "s": 2, "L": 12}
    checked("rhm", merge(paper("rhm"), {"runs": {"curve": {"grammar": big}}}))
    assert time.perf_counter() - start < PARSE_SECONDS


@pytest.mark.parametrize(
    ("shape", "exact"),
    [
        ((8, 8, 3, 2, 3), 8 * 3**7),
        ((2, 2, 2, 2, 6), 2 * 2**63),
        ((2, 2, 2, 2, 5), 2 * 2**31),
        ((3, 3, 2, 3, 4), 3 * 2**40),
    ],
)
def test_replacement_is_forced_exactly_where_indices_overflow(shape, exact):
    from diffgen.rhm.rules import INT64_LIMIT, Shape, forced_replacement

    grammar = Shape(*shape)
    assert grammar.pmax == exact
    assert forced_replacement(grammar, False) == (exact >= INT64_LIMIT)
    assert forced_replacement(grammar, True)


def test_strings_that_cannot_fit_in_memory_are_refused_with_their_size():
    from diffgen.core.checks import MAX_DATA_BYTES

    section = paper("rhm")
    changes = {"data": {"replacement": True}, "runs": {"curve": {"P": 10**12}}}
    message = timed_config_error("rhm", section, changes)
    assert message.startswith("config key 'rhm.runs.curve.P'"), message
    grammar = section["runs"]["curve"]["grammar"]  # v8 m3 s2 L3: 15 nodes a tree
    nodes = sum(grammar["s"] ** level for level in range(grammar["L"] + 1))
    count = 10**12 + section["data"]["P_test"]
    need = count * (nodes + 1) * 8  # int64 trees and an index each
    assert need > MAX_DATA_BYTES
    assert f"{count:,} strings" in message and f"{need:.2g} bytes" in message, message


def test_a_grammar_pool_that_cannot_fit_in_memory_is_refused_with_its_size():
    section = paper("biased")
    message = timed_config_error("biased", section, {"data": {"n_sequences": 10**12}})
    assert message.startswith("config key 'biased.data.n_sequences'"), message
    count = 10**12 + section["data"]["n_test"]
    need = count * (2 ** section["grammar"]["l"] + 1)  # one byte a leaf, one for the root
    assert f"{count:,} sequences" in message and f"{need:.2g} bytes" in message, message


def test_a_folder_of_unreadable_images_is_refused_naming_a_file(tmp_path):
    for i in range(40):
        (tmp_path / f"{i:06d}.jpg").write_bytes(b"not an image " * (i + 1))
    faces = merge(paper("biased.faces"), {"data": {"path": str(tmp_path)}})
    message = timed_config_error("biased.faces", faces, {})
    assert message.startswith("config key 'biased.faces.data.path'"), message
    assert str(tmp_path / "000000.jpg") in message and "unreadable image" in message


# -- one source of truth per setting ------------------------------------------------

#: Where a study's settings become a job's spec: job modules, spec pieces, typed specs.
SPEC_SOURCES = (
    *sorted((ROOT / "src" / "diffgen" / "biased" / "jobs").glob("*.py")),
    *sorted((ROOT / "src" / "diffgen" / "rhm" / "jobs").glob("*.py")),
    *(ROOT / "src" / "diffgen" / p for p in (
        "biased/jobcontext.py", "biased/uturnjob.py", "biased/training.py", "rhm/jobspecs.py",
        "rhm/training.py", "images/models.py", "images/unet_training.py", "core/training.py",
        "core/diffusion/gaussian.py", "core/diffusion/d3pm.py",
    )),
    ROOT / "workflow" / "studies" / "biased" / "rules" / "specs.smk",
    ROOT / "workflow" / "studies" / "rhm" / "rules" / "specs.smk",
)  # fmt: skip
#: Values too common to tell a restated default from anything else.
TRIVIAL = (0, 1, True, False, "", None)


def schema_defaults() -> dict[str, set]:
    """Every scalar default of studies 1 and 5 (faces included), by key."""
    found: dict[str, set] = {}

    def walk(node):
        if isinstance(node, dict):
            for key, sub in (node.get("properties") or {}).items():
                value = sub.get("default") if isinstance(sub, dict) else None
                if not isinstance(value, dict | list) and value not in TRIVIAL:
                    found.setdefault(key, set()).add(value)
            for sub in node.values():
                walk(sub)

    for study in ("biased", "rhm"):
        walk(load_schema(ROOT / "workflow" / "studies" / study / "schema.yaml"))
    return found


def test_no_spec_source_restates_a_schema_default():
    """`lr_mid: float = 0.5`, `"lr_mid": 0.5` or `beta1=1e-3` beside a spec: the schema's job."""
    defaults = schema_defaults()
    names = "|".join(sorted(defaults, key=len, reverse=True))
    literal = r"(-?\d[\w.+-]*|\"[^\"]*\"|'[^']*')"
    pattern = re.compile(
        rf"(?<![\w.])[\"']?({names})[\"']?\s*(?::\s*[\w\[\] |]+)?\s*[:=]\s*{literal}"
    )
    restated = []
    for path in SPEC_SOURCES:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for match in pattern.finditer(line):
                try:
                    value = ast.literal_eval(match.group(2))
                except (ValueError, SyntaxError):
                    continue
                if value in defaults[match.group(1)]:
                    restated.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not restated, "\n".join(restated)


def test_every_spec_field_is_required_and_typed_specs_have_no_defaults():
    from diffgen.biased.training import TrainSpec as BiasedTrainSpec
    from diffgen.cli import _kinds
    from diffgen.rhm.training import TrainSpec as RHMTrainSpec

    def optional(fields, path=""):
        for key, kind in fields.items():
            if key.endswith("?"):
                yield path + key
            if isinstance(kind, dict):
                yield from optional(kind, f"{path}{key}.")

    for study in ("biased", "rhm"):
        for kind in _kinds(study):
            module = f"diffgen.{study}.jobs.{kind.replace('-', '_')}"
            spec = getattr(importlib.import_module(module), "SPEC", None)
            assert spec is None or not list(optional(spec.fields)), (study, kind)
    for spec in (BiasedTrainSpec, RHMTrainSpec):
        for item in dataclasses.fields(spec):
            assert item.default is dataclasses.MISSING, (spec.__module__, item.name)
            assert item.default_factory is dataclasses.MISSING, (spec.__module__, item.name)


#: Code a config section becomes (``module:qualified name``), and that section (study, path):
#: no parameter named like one of the section's keys may have a default of its own.
BUILT_FROM_CONFIG = {
    "diffgen.biased.network:TransformerConfig": ("biased", "model"),
    "diffgen.images.unet:UNetConfig": ("biased", "faces", "model"),
    "diffgen.images.ddpm:EpsDDPM.linear": ("biased", "faces", "diffusion"),
    "diffgen.harmonic.sampler:SamplerSettings": ("harmonic", "sampler"),
    "diffgen.harmonic.network:BFUNet": ("harmonic", "network"),
    "diffgen.harmonic.network:BFCNN": ("harmonic", "network"),
    "diffgen.amplify.epsunet:EpsUNetConfig": ("amplify", "figures", "fig5", "network"),
    "diffgen.harmonic.measures:jacobian": ("harmonic", "measure", "jacobian"),
    "diffgen.amplify.dpmsolver:sample": ("amplify", "figures", "fig5"),
    "diffgen.amplify.sampling:ddpm_samples": ("amplify", "figures", "fig5"),
    "diffgen.repro.measures:effective_rank": ("repro", "jacobian"),
    "diffgen.repro.measures:jacobian_ranks": ("repro", "jacobian"),
    "diffgen.repro.measures:memorized": ("repro", "measure"),
    "diffgen.repro.measures:memorization_ratio": ("repro", "measure"),
}


def defaults_of_keys(target, section: dict) -> dict:
    """``target``'s parameters with a default that the config ``section`` states too."""
    parameters = inspect.signature(target).parameters.values()
    return {
        p.name: p.default
        for p in parameters
        if p.default is not inspect.Parameter.empty and p.name in section
    }


def test_the_default_check_sees_a_restated_default():
    def linear(T, beta_start=1e-4, beta_end=0.02, in_channels=1):
        return T, beta_start, beta_end, in_channels

    section = paper_settings("biased", "faces", "diffusion")
    assert defaults_of_keys(linear, section) == {"beta_start": 1e-4, "beta_end": 0.02}


@pytest.mark.parametrize("target", list(BUILT_FROM_CONFIG))
def test_code_built_from_a_config_section_has_no_default_of_its_keys(target):
    """The paper's sizes come from the schema; a default beside them is a second source."""
    module, _, name = target.partition(":")
    built = importlib.import_module(module)
    for part in name.split("."):
        built = getattr(built, part)
    section = paper_settings(*BUILT_FROM_CONFIG[target])
    assert not defaults_of_keys(built, section), (target, defaults_of_keys(built, section))
