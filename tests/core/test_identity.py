"""Identity records: what produced a file, inside it, compared by the workflow and the jobs."""

import hashlib

import numpy as np
import pytest
import torch

from diffgen.core import hdf5, identity
from diffgen.core.errors import InputFileError
from diffgen.core.torchio import load_torch, save_torch

RECORD = identity.record("rhm", "train", {"run": {"seed": 1}, "step": 8})


def _checkpoint(root, name="step8.pt"):
    path = root / "results" / "rhm" / "train" / "run" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    save_torch({"format": "x", "w": torch.arange(4)}, path, identity=RECORD)
    return path


def test_a_torch_record_is_reproducible_and_invisible_to_torch(tmp_path):
    path = _checkpoint(tmp_path)
    first = hashlib.sha256(path.read_bytes()).hexdigest()
    _checkpoint(tmp_path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == first
    assert load_torch(path)["w"].tolist() == [0, 1, 2, 3]
    assert identity.read(path) == {**RECORD, "file": "train/run/step8.pt"}


def test_a_file_moved_to_another_place_is_refused_naming_both(tmp_path):
    path = _checkpoint(tmp_path)
    identity.check_place(path, "rhm")
    moved = path.with_name("step16.pt")
    path.rename(moved)
    with pytest.raises(InputFileError) as err:
        identity.check_place(moved, "rhm")
    assert str(err.value).startswith(f"{moved}: holds rhm/train train/run/step8.pt")
    assert "expected rhm train/run/step16.pt" in str(err.value)


def test_a_job_refuses_a_file_whose_spec_differs(tmp_path):
    path = _checkpoint(tmp_path)
    assert identity.expect(path, "rhm", "train", run__seed=1, step=8)["kind"] == "train"
    for wrong in ({"run__seed": 2}, {"step": 16}):
        with pytest.raises(InputFileError, match="holds rhm/train"):
            identity.expect(path, "rhm", "train", **wrong)
    with pytest.raises(InputFileError, match="expected rhm/sample"):
        identity.expect(path, "rhm", "sample")


def test_hdf5_records_and_files_without_one(tmp_path):
    path = tmp_path / "results" / "rhm" / "data" / "P4.h5"
    path.parent.mkdir(parents=True)
    hdf5.write(path, "data", {"a": np.zeros(2)}, {}, identity=identity.record("rhm", "data", {}))
    assert identity.read(path)["file"] == "data/P4.h5"
    bare = tmp_path / "bare.h5"
    hdf5.write(bare, "data", {"a": np.zeros(2)}, {})
    identity.check_place(bare, "rhm")  # written before records: passes the planning check
    with pytest.raises(InputFileError, match="no identity record"):
        identity.expect(bare, "rhm", "data")
