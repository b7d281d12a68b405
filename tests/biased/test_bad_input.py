"""Every bad input gets one line naming it, before anything good is touched.

Each case goes through a real entry point: ``snakemake`` for configs and for
corrupt intermediate files in a planned run, ``python -m diffgen.cli`` for job
specs, tables, checkpoints, datasets and sample banks. Each asserts a non-zero
exit, one ``diffgen:`` line naming the culprit (key or file), no traceback, and
that the outputs the failed run would have replaced are byte-identical after it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
import torch
from conftest import ROOT
from tiny import LAST, SLOW_TIMEOUT, snakemake

from diffgen.biased import dataset
from diffgen.biased.checkpoints import checkpoint_payload
from diffgen.biased.network import TransformerConfig, TransformerDenoiser
from diffgen.biased.samples import save_initial_noise, save_samples
from diffgen.cli import main
from diffgen.core.seeding import initial_noise
from diffgen.core.torchio import save_torch

DIFFUSION = {"T": 50, "beta_start": 1e-4, "beta_end": 0.02}
LOSS_SPEC = {"n": 64, "split": 0, "seed": 0, "diffusion": DIFFUSION, "mixed_precision": False,
             "loss_sequences": 16, "train_loss_sequences": None, "eval_seed": 0,
             "batch_size": 64}  # fmt: skip
MODEL = {"vocab": 6, "length": 16, "d_model": 16, "heads": 2, "layers": 1, "ff_mult": 2,
         "time_dim": 8, "dropout": 0.0}  # fmt: skip
GOOD_OUTPUT = b"n,split,seed,epoch\n64,0,0,1\n"


# -- helpers --------------------------------------------------------------------


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def cli(*args: str | Path) -> Result:
    """``diffgen ARGS`` through its entry point ``diffgen.cli.main``, in this process
    (torch is imported once for all cases); its output captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse's own usage errors
            code = exit_.code
    return Result(code, out.getvalue(), err.getvalue())


def assert_one_line(result, *culprits: str) -> str:
    """Non-zero exit, no traceback, exactly one `diffgen:` line, naming every culprit."""
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert "Traceback" not in output, output[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("diffgen:")]
    assert len(lines) == 1, result.stderr[-3000:]
    for culprit in culprits:
        assert culprit in lines[0], (culprit, lines[0])
    return lines[0]


def digest(paths) -> dict[str, str]:
    return {str(p): hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}


def good_output(path: Path) -> Path:
    """An existing output the failing job would replace: it must survive unchanged."""
    path.write_bytes(GOOD_OUTPUT)
    return path


def assert_untouched(path: Path) -> None:
    assert path.read_bytes() == GOOD_OUTPUT, f"{path} was changed by a failed job"


# -- fixtures: one small valid set of files, corrupted copy by copy ---------------


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bad-input")
    paths = {"data": root / "grammar.h5", "checkpoint": root / "epoch1.pt",
             "noise": root / "noise.h5", "bank": root / "bank.h5"}  # fmt: skip
    dataset.save(dataset.generate(6, 4, 1.0, 4, 0, 512, 128, 0), paths["data"], {})
    torch.manual_seed(0)
    model = TransformerDenoiser(TransformerConfig(**MODEL))
    save_torch(checkpoint_payload(model, 1, {"n": 64}), paths["checkpoint"])
    save_initial_noise(paths["noise"], initial_noise(0, 32, (16, 6)).numpy(), {})
    tokens = np.zeros((32, 16), dtype=np.int8)
    save_samples(paths["bank"], tokens, {"epoch": 1, "checkpoint": "x", "spec": {}})
    return paths


@pytest.fixture()
def out(tmp_path) -> Path:
    return good_output(tmp_path / "out.csv")


def loss_job(data, checkpoint, out, spec=None):
    spec = json.dumps(spec or LOSS_SPEC)
    return cli("biased", "loss", "--data", data, "--checkpoints", checkpoint,
               "--spec", spec, "--out", out, "--device", "cpu")  # fmt: skip


def sample_job(files, spec, out):
    return cli("biased", "sample", "--checkpoint", files["checkpoint"],
               "--initial-noise", files["noise"], "--spec", json.dumps(spec), "--out", out,
               "--device", "cpu")  # fmt: skip


def copy_with(source: Path, destination: Path, change) -> Path:
    data = source.read_bytes()
    destination.write_bytes(change(data))
    return destination


# -- configs (parse time, through snakemake) ---------------------------------------


def dry_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "fig4a", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("override", "culprit"),
    [
        ("devise=cpu", "'devise'"),
        ("biased={diffusion: {T: 9}}", "'biased.diffusion.T'"),
        ("biased={diffusion: {T: 100000000000}}", "'biased.diffusion.T'"),
        ("biased={diffusion: {beta_end: 1.5}}", "'biased.diffusion.beta_end'"),
        ("biased={diffusion: {beta_start: 0.1, beta_end: 0.01}}", "'biased.diffusion.beta_end'"),
        ("biased={training: {seeds: two}}", "'biased.training.seeds'"),
        ("biased={training: {lr: [}", "--config biased"),
        ("biased={grammar: {q_eff: 7}}", "'biased.grammar.q_eff'"),
        ("biased={data: {import_path: /no/such/file.npy}}", "'biased.data.import_path'"),
        ("studies=[biased, nosuch]", "'studies'"),
        ("threads={gpu_job: 0}", "'threads.gpu_job'"),
    ],
)
def test_bad_config_is_one_line_at_parse_time(override, culprit):
    assert_one_line(dry_run("--config", override), culprit)


# -- job specs (the command lines `snakemake -p` prints, run by hand) --------------


@pytest.mark.parametrize(
    ("spec", "culprit"),
    [
        ("{not json", "--spec is not valid JSON"),
        ("[1, 2]", "--spec must be a JSON object"),
        (json.dumps({k: v for k, v in LOSS_SPEC.items() if k != "eval_seed"}), "'eval_seed'"),
        (json.dumps({**LOSS_SPEC, "n": "64"}), "'n'"),
        (json.dumps({**LOSS_SPEC, "n": True}), "'n'"),
        (json.dumps({**LOSS_SPEC, "loss_sequences": -3}), "'loss_sequences'"),
        (json.dumps({**LOSS_SPEC, "diffusion": {**DIFFUSION, "T": "x"}}), "'diffusion.T'"),
        (json.dumps({**LOSS_SPEC, "extra": 1}), "'extra'"),
    ],
)
def test_malformed_spec_is_one_line(files, out, spec, culprit):
    result = cli("biased", "loss", "--data", files["data"], "--checkpoints", files["checkpoint"],
                 "--spec", spec, "--out", out, "--device", "cpu")  # fmt: skip
    assert_one_line(result, culprit)
    assert_untouched(out)


def test_unknown_choice_in_a_spec_is_one_line(files, tmp_path):
    spec = {"model": {"n": 64, "split": 0, "seed": 0}, "epoch": 1, "diffusion": DIFFUSION,
            "mixed_precision": False, "n_samples": 8, "mode": "sideways", "seed": 0,
            "batch_size": 8}  # fmt: skip
    out = good_output(tmp_path / "bank.h5")
    result = sample_job(files, spec, out)
    assert_one_line(result, "'mode'")
    assert_untouched(out)


def test_bad_table_options_are_one_line(out):
    result = cli("table", "--builder", "diffgen.biased.tables:fig4a", "--options", "{nope",
                 "--input", "nn", "x.csv", "--out", out)  # fmt: skip
    assert_one_line(result, "--options")
    assert_untouched(out)


# -- datasets -------------------------------------------------------------------------


def _without_pool(source: Path, destination: Path) -> Path:
    shutil.copyfile(source, destination)
    with h5py.File(destination, "a") as f:
        del f["train/sequences"]
    return destination


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda f, d: d, "is a directory"),
        (lambda f, d: d / "missing.h5", "does not exist"),
        (lambda f, d: copy_with(f["data"], d / "cut.h5", lambda b: b[: len(b) // 2]), "grammar"),
        (lambda f, d: copy_with(f["data"], d / "junk.h5", lambda b: b"junk" * 100), "grammar"),
        (lambda f, d: f["bank"], "not a diffgen grammar_dataset file"),
        (lambda f, d: _without_pool(f["data"], d / "nopool.h5"), "lacks 'train/sequences'"),
    ],
)
def test_bad_dataset_is_one_line(files, tmp_path, out, make, reason):
    bad = make(files, tmp_path)
    assert_one_line(loss_job(bad, files["checkpoint"], out), str(bad), reason)
    assert_untouched(out)


# -- checkpoints --------------------------------------------------------------------


def _edited_checkpoint(source: Path, destination: Path, edit) -> Path:
    payload = torch.load(source, weights_only=True)
    edit(payload)
    save_torch(payload, destination)
    return destination


def _wrong_shape(payload):
    payload["model"]["output_projection.weight"] = torch.zeros(3, 3)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda f, d: copy_with(f["checkpoint"], d / "junk.pt", lambda b: b"\0garbage"), "corrupt"),
        (lambda f, d: copy_with(f["checkpoint"], d / "cut.pt", lambda b: b[: len(b) // 2]),
         "corrupt"),
        (lambda f, d: _edited_checkpoint(f["checkpoint"], d / "nokey.pt",
                                         lambda p: p["model"].pop("output_projection.bias")),
         "lack 'output_projection.bias'"),
        (lambda f, d: _edited_checkpoint(f["checkpoint"], d / "noconf.pt",
                                         lambda p: p.pop("model_config")), "'model_config'"),
        (lambda f, d: _edited_checkpoint(f["checkpoint"], d / "shape.pt", _wrong_shape),
         "has shape (3, 3)"),
        (lambda f, d: _edited_checkpoint(f["checkpoint"], d / "fmt.pt",
                                         lambda p: p.update(format="diffgen.resume_state")),
         "not a checkpoint"),
        (lambda f, d: d / "missing.pt", "does not exist"),
        (lambda f, d: d, "is not a file"),
    ],
)  # fmt: skip
def test_bad_checkpoint_is_one_line(files, tmp_path, out, make, reason):
    bad = make(files, tmp_path)
    assert_one_line(loss_job(files["data"], bad, out), str(bad), reason)
    assert_untouched(out)


# -- noise files and sample banks ---------------------------------------------------------


def test_too_short_initial_noise_is_one_line(files, tmp_path):
    spec = {"model": {"n": 64, "split": 0, "seed": 0}, "epoch": 1, "diffusion": DIFFUSION,
            "mixed_precision": False, "n_samples": 64, "mode": "fix-noise", "seed": 0,
            "batch_size": 8}  # fmt: skip
    out = good_output(tmp_path / "bank.h5")
    result = sample_job(files, spec, out)
    assert_one_line(result, str(files["noise"]), "holds 32 rows")
    assert_untouched(out)


def _bank(destination: Path, tokens, provenance) -> Path:
    save_samples(destination, np.asarray(tokens), provenance)
    return destination


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: _bank(d / "noepoch.h5", np.zeros((4, 16)), {"spec": {}}), "lacks its 'epoch'"),
        (lambda d: _bank(d / "range.h5", np.full((4, 16), 9), {"epoch": 1}), "this grammar"),
        (lambda d: _bank(d / "short.h5", np.zeros((4, 8)), {"epoch": 1}), "this grammar"),
    ],
)
def test_bad_sample_bank_is_one_line(files, tmp_path, out, make, reason):
    bad = make(tmp_path)
    spec = {"n": 64, "split": 0, "seed": 0, "n_samples": 16, "kl_floor": 1e-8}
    result = cli("biased", "nn-divergence", "--data", files["data"], "--samples", bad,
                 "--spec", json.dumps(spec), "--out", out, "--device", "cpu")  # fmt: skip
    assert_one_line(result, str(bad), reason)
    assert_untouched(out)


# -- measurement tables and figure tables ----------------------------------------------------


def _loss_table(directory: Path, name: str, frame: pd.DataFrame | None = None, raw=None) -> Path:
    path = directory / name
    if raw is not None:
        path.write_bytes(raw)
    else:
        frame.to_csv(path, index=False)
    return path


GOOD_LOSS = pd.DataFrame({"n": [64, 64], "split": [0, 0], "seed": [0, 0], "epoch": [1, 2],
                          "test_loss": [1.0, 0.5], "train_loss": [0.9, 0.4]})  # fmt: skip
GOOD_NN = pd.DataFrame({"n": [64, 64], "split": [0, 0], "seed": [0, 0], "epoch": [1, 2],
                        "nn_kl": [0.1, 0.2]})  # fmt: skip


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: _loss_table(d, "nocol.csv", GOOD_LOSS.drop(columns="test_loss")),
         "lacks column 'test_loss'"),
        (lambda d: _loss_table(d, "text.csv", GOOD_LOSS.assign(test_loss=["1.0", "low"])),
         "'test_loss' holds a non-numeric value ('low'"),
        (lambda d: _loss_table(d, "binary.csv", raw=bytes(range(256)) * 8), "table"),
        (lambda d: _loss_table(d, "empty.csv", raw=b""), "empty table"),
        (lambda d: _loss_table(d, "header.csv", raw=b"n,split,seed,epoch,test_loss,train_loss\n"),
         "no rows"),
        (lambda d: d / "missing.csv", "does not exist"),
    ],
)  # fmt: skip
def test_bad_measurement_table_never_reaches_a_figure(tmp_path, out, make, reason):
    bad = make(tmp_path)
    nn = _loss_table(tmp_path, "nn.csv", GOOD_NN)
    result = cli("table", "--builder", "diffgen.biased.tables:fig4a", "--input", "nn", nn,
                 "--input", "loss", bad, "--out", out)  # fmt: skip
    assert_one_line(result, str(bad), reason)
    assert_untouched(out)


def test_reference_epochs_from_a_bad_table_are_one_line(tmp_path):
    bad = _loss_table(tmp_path, "loss.csv", GOOD_LOSS.drop(columns="test_loss"))
    out = tmp_path / "reference.json"
    out.write_text('{"test_loss_min": 1}\n')
    result = cli("biased", "reference-epochs", "--loss", bad, "--out", out)
    assert_one_line(result, str(bad), "'test_loss'")
    assert out.read_text() == '{"test_loss_min": 1}\n'


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (pd.DataFrame({"n": [64], "epoch": [1], "nn_kl_mean": [0.1]}), "lacks column"),
        (pd.DataFrame({"a": [1], "b": [2]}), "not a fig4a table"),
    ],
)
def test_figure_table_lacking_columns_names_the_file_and_only_the_missing(tmp_path, frame, reason):
    table = tmp_path / "fig4a.csv"
    frame.to_csv(table, index=False)
    pdf, png = good_output(tmp_path / "fig4a.pdf"), good_output(tmp_path / "fig4a.png")
    result = cli("plot", "--plotter", "diffgen.biased.figures.fig4a:plot", "--table", table,
                 "--pdf", pdf, "--png", png)  # fmt: skip
    line = assert_one_line(result, str(table), reason)
    if "lacks" in reason:
        assert "'nn_kl_se'" in line and "'nn_kl_mean'" not in line
    assert_untouched(pdf)
    assert_untouched(png)


# -- a planned run: corrupt intermediate files stop it before anything is touched ---------

RESULTS = "results/tiny/biased"
RUN = f"{RESULTS}/train/n64/split0_seed0"


def _planned(workdir: Path, *targets: str) -> subprocess.CompletedProcess:
    return snakemake(workdir, *targets, timeout=SLOW_TIMEOUT)


def _outputs(workdir: Path) -> dict[str, str]:
    return digest(p for p in (workdir / RESULTS).rglob("*") if p.is_file() and ".work" not in
                  p.parts)  # fmt: skip


def _replaced(path: Path, content: bytes) -> bytes:
    """Replace a file's bytes (a new inode: its staged hard link stays whole); return the old."""
    old = path.read_bytes()
    path.unlink()
    path.write_bytes(content)
    return old


def _reference(workdir: Path) -> Path:
    return workdir / RESULTS / "reference" / "fig5_n64.json"


@pytest.fixture()
def planned(tiny_workflow):
    """The tiny workflow with fig5's reference epochs made; puts back what a test breaks."""
    reference = _reference(tiny_workflow)
    if not reference.exists():
        result = snakemake(tiny_workflow, str(reference.relative_to(tiny_workflow)))
        assert result.returncode == 0, result.stderr[-3000:]
    files = [p for p in (tiny_workflow / RESULTS).rglob("*") if p.is_file()]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    yield tiny_workflow
    # In place (a hard-linked staged copy is mended too), with the old times, so that
    # Snakemake sees the same workflow state as before the test.
    for path, (content, mtime) in before.items():
        if not path.exists() or path.read_bytes() != content:
            path.write_bytes(content)
        os.utime(path, ns=(mtime, mtime))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("victim", "content", "reason"),
    [
        (f"{RESULTS}/data/grammar.h5", None, "truncated HDF5 file"),
        (f"{RUN}/epoch{LAST}.pt", None, "truncated or corrupt torch file"),
        (f"{RESULTS}/samples/n64/split0_seed0/epoch{LAST}.h5", b"junk" * 64, "not an HDF5"),
        (f"{RESULTS}/measure/loss/n64/split0_seed0.csv", b"n,split\n1,2\n", "lacks columns"),
    ],
)
def test_corrupt_intermediate_file_stops_the_run_and_keeps_every_output(
    planned, victim, content, reason
):
    path = planned / victim
    old = path.read_bytes()
    before = _outputs(planned)
    if content is None:  # cut in place, as a crashed copy leaves it
        with open(path, "r+b") as handle:
            handle.truncate(len(old) // 2)
    else:
        _replaced(path, content)
    result = _planned(planned, "fig4a")
    assert_one_line(result, victim, reason)
    after = _outputs(planned)
    after.pop(str(path))
    before.pop(str(path))
    assert after == before, "a failed run changed good outputs"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"nn_divergence_min": 5}', "lack 'test_loss_min'"),
        (b'{"test_loss_min": 7, "nn_divergence_min": 5}', "epoch 7, which has no checkpoint"),
    ],
)
def test_bad_reference_epochs_are_one_line(planned, content, reason):
    reference = _reference(planned)
    _replaced(reference, content)
    before = _outputs(planned)
    result = snakemake(planned, "fig5", "-n")
    assert_one_line(result, str(reference.relative_to(planned)), reason)
    assert _outputs(planned) == before


@pytest.mark.slow
def test_a_replaced_checkpoint_comes_back_without_training(planned):
    """The recovery path the README gives: delete the named file and run again."""
    checkpoint = planned / RUN / f"epoch{LAST}.pt"
    good = _replaced(checkpoint, b"\0garbage")
    assert_one_line(_planned(planned, "fig4a"), "epoch", "corrupt")
    checkpoint.unlink()
    result = _planned(planned, str(checkpoint.relative_to(planned)))
    assert result.returncode == 0, result.stderr[-3000:]
    assert checkpoint.read_bytes() == good
    log = planned / "results/tiny/logs/biased/train/n64/split0_seed0.log"
    assert "already trained" in log.read_text()
    # The staged copy keeps its time: nothing downstream is out of date.
    assert "Nothing to be done" in snakemake(planned, "fig4a", "-n").stdout


# -- files of another run: identity records ------------------------------------------


def _other_run(workdir: Path) -> Path:
    runs = sorted(p for p in (workdir / RESULTS / "train" / "n64").iterdir() if p.is_dir())
    return next(p for p in runs if p.name != Path(RUN).name)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["checkpoint", "sample bank"])
def test_a_file_of_another_run_stops_the_run_and_keeps_every_output(planned, kind):
    """Whole and of the right format, only its identity record tells it apart: the planned
    run stops with one line naming the file and what it holds; nothing else changes."""
    other = _other_run(planned)
    if kind == "checkpoint":
        victim = f"{RUN}/epoch{LAST}.pt"
        source = other / f"epoch{LAST}.pt"
        held = f"train/n64/{other.name}/epoch{LAST}.pt"
    else:
        victim = f"{RESULTS}/samples/n64/split0_seed0/epoch{LAST}.h5"
        first = min(int(p.stem[5:]) for p in (planned / RUN).glob("epoch*.pt"))
        source = planned / RESULTS / f"samples/n64/split0_seed0/epoch{first}.h5"
        held = f"samples/n64/split0_seed0/epoch{first}.h5"
    path = planned / victim
    _replaced(path, source.read_bytes())
    before = _outputs(planned)
    line = assert_one_line(_planned(planned, "fig4a"), victim, "holds biased/", held)
    assert "expected biased" in line
    assert _outputs(planned) == before, "a failed run changed good outputs"


def _tiny_loss_spec(record: dict, **changes) -> str:
    diffusion = {"T": record["T"], "beta_start": record.get("beta_start", 1e-4),
                 "beta_end": record.get("beta_end", 0.02)}  # fmt: skip
    model = {key: record[key] for key in ("n", "split", "seed")}
    return json.dumps({**LOSS_SPEC, **model, "diffusion": diffusion, **changes})


@pytest.mark.slow
def test_a_hand_run_job_whose_spec_disagrees_with_its_checkpoint_is_one_line(tiny_workflow, out):
    from diffgen.core import identity

    data = tiny_workflow / RESULTS / "data" / "grammar.h5"
    checkpoint = tiny_workflow / RUN / f"epoch{LAST}.pt"
    record = identity.read(checkpoint)["spec"]
    wrong_seed = record["seed"] + 1
    spec = _tiny_loss_spec(record, seed=wrong_seed)
    result = cli("biased", "loss", "--data", data, "--checkpoints", checkpoint, "--spec", spec,
                 "--out", out, "--device", "cpu")  # fmt: skip
    line = assert_one_line(result, str(checkpoint), "holds biased/train", "expected biased/train")
    assert f'"seed":{record["seed"]}' in line and f'"seed":{wrong_seed}' in line
    assert_untouched(out)


@pytest.mark.slow
def test_a_checkpoint_read_with_a_data_set_of_another_seed_is_one_line(
    tiny_workflow, tmp_path, out
):
    """Both files are right by themselves; the checkpoint's record says which data set it
    was trained on, and the job reads another (same place name, another data seed)."""
    from diffgen.core import identity

    data = tiny_workflow / RESULTS / "data" / "grammar.h5"
    spec = identity.read(data)["spec"]
    other = tmp_path / "biased" / "data" / "grammar.h5"
    other.parent.mkdir(parents=True)
    changed = {**spec, "data": {**spec["data"], "seed": spec["data"]["seed"] + 1}}
    made = cli("biased", "data", "--spec", json.dumps(changed), "--out", other)
    assert made.returncode == 0, made.stderr
    checkpoint = tiny_workflow / RUN / f"epoch{LAST}.pt"
    record = identity.read(checkpoint)["spec"]
    result = cli("biased", "loss", "--data", other, "--checkpoints", checkpoint, "--spec",
                 _tiny_loss_spec(record), "--out", out, "--device", "cpu")  # fmt: skip
    assert_one_line(result, str(checkpoint), "made from biased/data", str(other))
    assert_untouched(out)
