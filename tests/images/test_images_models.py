"""U-Nets from specs: building, training in each parametrisation, checkpoints, sample banks."""

import numpy as np
import pytest
import torch

from diffgen.core.errors import ConfigError, InputFileError
from diffgen.core.specs import Spec
from diffgen.core.torchio import load_torch
from diffgen.core.training import RunOptions
from diffgen.images import unet_training
from diffgen.images.checkpoints import checkpoint_epoch, rule_outputs, run_outputs
from diffgen.images.models import build, ddpm_from, load_unet, unet_from
from diffgen.images.objectives import PREDICTIONS, as_eps
from diffgen.images.sampler import sample, shared_initial_noise
from diffgen.images.samples import load_bank, save_bank

MODEL = {"base": 8, "mults": [1, 2], "attention": [False, True], "res_blocks": 1, "dropout": 0.0,
         "groups": 8}  # fmt: skip
SPEC = {
    "seed": 3, "epochs": 4, "checkpoints": [2, 3], "model": MODEL,
    "diffusion": {"T": 30, "beta_start": 1e-4, "beta_end": 0.02}, "batch_size": 8, "lr": 1e-3,
    "mixed_precision": True,
}  # fmt: skip
CPU = RunOptions(torch.device("cpu"), resume_every_seconds=0)


def _images(n: int = 12) -> torch.Tensor:
    return torch.rand((n, 1, 8, 8), generator=torch.Generator().manual_seed(0)) * 2 - 1


def test_the_training_spec_piece_accepts_a_run_and_names_a_bad_key():
    spec = Spec(unet_training.TRAINING)
    assert spec.parse(__import__("json").dumps(SPEC)) == SPEC
    with pytest.raises(ConfigError, match="diffusion"):
        ddpm_from({"diffusion": {"T": 20, "beta_start": 0.5, "beta_end": 0.1}})
    config = unet_from(MODEL)
    assert config.mults == (1, 2) and config.attention == (False, True)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny networks run fastest on one thread, and never oversubscribe a shared machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One short run per parametrisation, and the ε run again."""
    root = tmp_path_factory.mktemp("runs")
    for name, prediction in {**{p: p for p in PREDICTIONS}, "eps_again": "eps"}.items():
        unet_training.train(SPEC, _images(), root / name, CPU, prediction=prediction, name=name)
    return root


@pytest.mark.parametrize("prediction", PREDICTIONS)
def test_a_unet_trains_in_each_parametrisation_to_its_checkpoints(prediction, runs):
    """bf16 autocast is asked for and stays off on the CPU; the checkpoints load and sample."""
    outputs, log_path = run_outputs(runs / prediction, SPEC["checkpoints"])
    assert log_path.read_text().count("\n") == SPEC["epochs"] + 1
    ddpm = ddpm_from(SPEC)
    model = load_unet(outputs[3], torch.device("cpu"), ddpm)
    assert checkpoint_epoch(outputs[2]) == 2 and not model.training
    x_T = shared_initial_noise(0, 4, (1, 8, 8))
    (bank,) = sample([as_eps(model, prediction, ddpm)], x_T, ddpm, 0, 4, "cpu", "sampling")
    assert bank.shape == (4, 1, 8, 8) and torch.isfinite(bank).all()


def test_a_run_repeats_bit_for_bit_and_the_parametrisations_differ(runs):
    weights = {
        name: load_torch(runs / name / "epoch3.pt")["model"] for name in ("eps", "eps_again", "v")
    }
    assert all(torch.equal(weights["eps"][k], weights["eps_again"][k]) for k in weights["eps"])
    assert any(not torch.equal(weights["eps"][k], weights["v"][k]) for k in weights["eps"])


def test_mixed_precision_is_off_on_the_cpu():
    trainer = unet_training.UNetTrainer(SPEC, _images(), CPU, prediction="v", name="cpu")
    assert not trainer.mixed_precision and trainer.label == "train cpu"


def test_the_rule_declares_the_files_the_job_writes():
    outputs, log_path = run_outputs(__import__("pathlib").Path("runs/split{split}"), [5, 16])
    declared = rule_outputs("runs/split{split}", [5, 16])
    assert list(declared) == ["epoch5", "epoch16", "log"]
    assert [declared["epoch5"], declared["epoch16"]] == [str(p) for p in outputs.values()]
    assert declared["log"] == str(log_path)


def test_a_checkpoint_of_another_architecture_is_one_line(tmp_path):
    with pytest.raises(ValueError, match="not a unet"):
        build("transformer", {})
    bad = tmp_path / "epoch5.pt"
    bad.write_bytes(b"\x00garbage")
    with pytest.raises(InputFileError, match=r"epoch5\.pt: corrupt or unreadable checkpoint"):
        load_unet(bad, torch.device("cpu"))


def test_a_sample_bank_reads_back_what_was_written_and_names_what_it_lacks(tmp_path):
    samples = np.random.default_rng(0).random((2, 3, 1, 4, 4))
    path = tmp_path / "bank.h5"
    save_bank(path, samples, [5, 9], {"spec": {}}, {"split": 2})
    read, epochs, attrs = load_bank(path, ("split",))
    assert read.dtype == np.float32 and np.array_equal(read, samples.astype(np.float32))
    assert epochs == [5, 9] and attrs == {"split": 2}
    with pytest.raises(InputFileError, match=r"bank\.h5: sample bank lacks its 'seed'"):
        load_bank(path, ("split", "seed"))
    save_bank(path, samples[0], [5, 9], {"spec": {}})
    with pytest.raises(InputFileError, match=r"bank\.h5: samples are not \(epochs"):
        load_bank(path)
