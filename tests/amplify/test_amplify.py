"""Study `amplify`: its measurement against an independent computation, and its workflow."""

import json

import h5py
import numpy as np
import pandas as pd
import pytest

from diffgen.cli import main


def test_moments_match_a_direct_computation(tmp_path):
    data, out = tmp_path / "points.h5", tmp_path / "moments.csv"
    spec = {"n": 64, "dim": 3, "seed": 1}
    assert main(["amplify", "data", "--spec", json.dumps(spec), "--out", str(data)]) == 0
    measure = {"sizes": [4, 64], "dim": 3}
    assert main(["amplify", "moments", "--data", str(data), "--spec", json.dumps(measure),
                 "--out", str(out)]) == 0  # fmt: skip
    with h5py.File(data) as handle:
        points = np.asarray(handle["points"])
    table = pd.read_csv(out)
    for size, error in zip(table["N"], table["squared_error"], strict=True):
        assert error == pytest.approx(sum(points[:size, j].mean() ** 2 for j in range(3)))


def test_a_data_set_of_another_dimension_is_refused(tmp_path, capsys):
    data = tmp_path / "points.h5"
    spec = {"n": 8, "dim": 2, "seed": 0}
    assert main(["amplify", "data", "--spec", json.dumps(spec), "--out", str(data)]) == 0
    measure = json.dumps({"sizes": [4], "dim": 3})
    arguments = ["amplify", "moments", "--data", str(data), "--spec", measure, "--out", "x.csv"]
    assert main(arguments) == 2
    assert f"{data}: holds amplify/data" in capsys.readouterr().err
