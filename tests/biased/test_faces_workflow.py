"""Study 1's face part in the workflow: the paper-scale job list, and a tiny run of its figures."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import copy_workflow, snakemake_command

TARGETS = ("fig1a", "fig2", "figA7")
#: The spec's jobs at paper scale (§5), by rule; "figures 3" is a table and a plot per figure.
PAPER_JOBS = {
    "biased_faces_data": 1,
    "biased_faces_train": 15,
    "biased_faces_loss": 15,
    "biased_faces_generate": 15,
    "biased_faces_pairs": 1,
    "biased_faces_noise_prediction": 49,
    "biased_faces_reference": 1,
    **{f"biased_{kind}_{figure}": 1 for kind in ("table", "plot") for figure in TARGETS},
    **dict.fromkeys(TARGETS, 1),
}
GPU_RULES = ("biased_faces_train", "biased_faces_loss", "biased_faces_generate",
             "biased_faces_noise_prediction")  # fmt: skip

#: The three figures at a tiny size: 3 models of 16 faces at 8 px, 40 epochs, 4 checkpoints.
TINY = {
    "results": "results/tiny",
    "biased": {
        "faces": {
            "data": {"size": 8, "pool": 80},
            "splits": 3,
            "n": 16,
            "n_test": 32,
            "model": {"base": 8, "mults": [1, 2], "attention": [False, True], "res_blocks": 1},
            "diffusion": {"T": 30},
            "training": {"epochs": 40, "batch_size": 16, "checkpoints": 4, "first_checkpoint": 5},
            "loss": {"images": 8},
            "generation": {"checkpoints": [1, 4], "samples": 16},
            "similarity": {"rep_k": 3},
            "noise_prediction": {"checkpoints": [1, 4], "ks": [5, 15, 25], "inputs": 16},
        }
    },
}
TINY_GRID = [5, 16, 27, 39]  # int(linspace(5, 39, 4))


def snakemake(workdir: Path, *args: str, configs: tuple[str, ...], timeout: int):
    command = [*snakemake_command(), *args, "--cores", "2", "--configfile", *configs]
    # Jobs run `python`: this interpreter's, whether or not its environment is activated.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    environment = dict(os.environ, PYTHONUNBUFFERED="1", PATH=path)
    return subprocess.run(
        command, cwd=workdir, env=environment, capture_output=True, text=True, timeout=timeout
    )


def job_counts(output: str) -> dict[str, int]:
    """Jobs per rule from Snakemake's "Job stats" table."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Job stats:")
    counts = {}
    for line in lines[start + 3 :]:
        fields = line.split()
        if len(fields) != 2 or fields[0] == "total":
            break
        counts[fields[0]] = int(fields[1])
    return counts


@pytest.fixture(scope="module")
def workflow(tmp_path_factory) -> Path:
    return copy_workflow(Path(os.path.realpath(tmp_path_factory.mktemp("faces"))) / "wf")


def test_paper_scale_dry_run_lists_the_specs_jobs_with_gpus_where_they_belong(workflow):
    result = snakemake(workflow, *TARGETS, "--dry-run", configs=("config.yaml",), timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert job_counts(result.stdout) == PAPER_JOBS
    assert sum(PAPER_JOBS[r] for r in PAPER_JOBS if r.startswith("biased_faces")) == 97
    blocks = re.findall(r"rule (\w+):\n(?:    .*\n)*?    resources: (.*)\n", result.stdout)
    resources = {}
    for rule, line in blocks:
        resources.setdefault(rule, set()).add("gpu=1" in line)
    for rule in GPU_RULES:
        assert resources[rule] == {True}, rule
    assert resources["biased_faces_pairs"] == {False}


@pytest.mark.slow
def test_tiny_faces_run_writes_every_figure_and_table_row(workflow):
    (workflow / "tiny.yaml").write_text(yaml.safe_dump(TINY))
    configs = ("config.yaml", "resources/presets/small.yaml", "tiny.yaml")
    result = snakemake(workflow, *TARGETS, configs=configs, timeout=1200)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    results = workflow / "results" / "tiny" / "biased"
    for figure in TARGETS:
        for ext in ("pdf", "png"):
            assert (results / "figures" / f"{figure}.{ext}").stat().st_size > 5_000
    generation, compared = TINY_GRID[1:4], TINY_GRID[1:4]
    chosen = json.loads((results / "faces" / "reference.json").read_text())
    assert chosen["generation_epochs"] == generation
    assert {chosen["tau_cos"], chosen["tau_loss"]} <= set(generation)

    fig1a = pd.read_csv(results / "tables" / "fig1a.csv")
    curves = fig1a[fig1a["part"] == "curve"]
    assert sorted(curves["series"].unique()) == ["distance", "test_loss", "train_loss"]
    assert len(curves) == 3 * len(generation) and curves["value"].notna().all()
    assert (curves[curves["series"] == "distance"]["count"] == 3).all()  # 3 pairs
    assert len(fig1a[fig1a["part"] == "reference"]) == 2
    images = fig1a[fig1a["part"] == "image"]
    assert len(images) == 2 * 3 * 4  # τ_cos and τ_loss, 3 pairs (rep_k), 4 images each
    assert images[[f"pixel{i}" for i in range(64)]].notna().all().all()

    fig2 = pd.read_csv(results / "tables" / "fig2.csv")
    assert len(fig2) == 3 * len(compared) and set(fig2["epoch"]) == set(compared)
    assert (fig2["models"] == 3).all() and (fig2["test_pairs"] == 6).all()
    assert (fig2["train_pairs"] == 6).all() and fig2.notna().all().all()

    figa7 = pd.read_csv(results / "tables" / "figA7.csv")
    assert len(figa7) == 3 * 3 * 4 and set(figa7["panel"]) == {"tau_cos", "tau_loss", "last"}

    check = subprocess.run(
        [sys.executable, "-m", "diffgen.cli", "biased", "faces-acceptance", "--reference",
         str(results / "faces" / "reference.json")],
        capture_output=True, text=True, cwd=workflow,
        env=dict(os.environ, PYTHONPATH=str(workflow / "src")),
    )  # fmt: skip
    verdict = "yes" if chosen["tau_cos"] < chosen["tau_loss"] else "no"
    assert f"tau_cos < tau_loss: {verdict}" in check.stdout
    assert check.returncode == (0 if verdict == "yes" else 1)


# After the tiny run (same module, in file order): files of another run, messages naming files.


def _tiny_faces(workflow: Path) -> Path:
    results = workflow / "results" / "tiny" / "biased" / "faces"
    if not (results / "reference.json").exists():
        pytest.skip("needs the tiny faces run of this module")
    return results


@pytest.mark.slow
def test_a_sample_bank_of_another_split_stops_the_run_and_keeps_every_output(workflow):
    import hashlib

    results = _tiny_faces(workflow)
    victim, source = results / "samples" / "split0.h5", results / "samples" / "split1.h5"
    good = victim.read_bytes()
    victim.unlink()
    victim.write_bytes(source.read_bytes())

    def digests():
        files = [p for p in results.parent.rglob("*") if p.is_file() and ".work" not in p.parts]
        return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    before = digests()
    try:
        configs = ("config.yaml", "resources/presets/small.yaml", "tiny.yaml")
        result = snakemake(workflow, *TARGETS, configs=configs, timeout=600)
        output = result.stdout + result.stderr
        lines = [line for line in output.splitlines() if line.startswith("diffgen:")]
        assert result.returncode != 0 and len(lines) == 1, output[-3000:]
        assert "samples/split0.h5: holds biased/faces-generate faces/samples/split1.h5" in lines[0]
        assert digests() == before
    finally:
        victim.unlink()
        victim.write_bytes(good)


@pytest.mark.slow
def test_face_pairs_of_missing_splits_name_the_banks(workflow, tmp_path):
    results = _tiny_faces(workflow)
    banks = [str(results / "samples" / f"split{s}.h5") for s in (0, 2)]
    spec = {"splits": 3, "n": 16, "pair": [0, 1], "rep_k": 3}
    command = [sys.executable, "-m", "diffgen.cli", "biased", "faces-pairs", "--data",
               str(results / "data" / "faces.h5"), "--samples", *banks, "--spec",
               json.dumps(spec), "--similarity", str(tmp_path / "s.csv"),
               "--representatives", str(tmp_path / "r.h5"), "--device", "cpu"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stderr.splitlines() if line.startswith("diffgen:")]
    assert result.returncode != 0 and len(lines) == 1, result.stderr[-2000:]
    assert all(bank in lines[0] for bank in banks) and "splits [0, 2], expected 0..2" in lines[0]
    assert not (tmp_path / "s.csv").exists()


def test_an_epoch_without_representative_pairs_names_both_files(tmp_path):
    import numpy as np

    from diffgen.biased.faces.representatives import ARRAYS, save_representatives
    from diffgen.biased.faces.tables import figA7
    from diffgen.core.errors import InputFileError

    representatives = tmp_path / "representatives.h5"
    arrays = {key: np.zeros((2, 3), dtype=np.float32) for key in ARRAYS}
    arrays["epochs"] = np.array([5, 16])
    save_representatives(representatives, arrays, [0, 1], {})
    reference = tmp_path / "reference.json"
    reference.write_text(json.dumps({"tau_cos": 3, "tau_loss": 5}))  # no pairs at epoch 3
    inputs = {"faces_reference": [str(reference)],
              "faces_representatives": [str(representatives)]}  # fmt: skip
    with pytest.raises(InputFileError) as raised:
        figA7(inputs, {})
    message = str(raised.value)
    assert str(representatives) in message and str(reference) in message
    assert "no representative pairs at epoch 3" in message and "[5, 16]" in message
