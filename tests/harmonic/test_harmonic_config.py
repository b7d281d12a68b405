"""Study 2's config checks and job command lines: bad input is one line naming the key or file."""

import copy

import pytest
from conftest import workflow_config

from diffgen.cli import main
from diffgen.core.errors import ConfigError
from diffgen.harmonic.plan import Plan, check

PAPER = workflow_config(study="harmonic")
SMALL = workflow_config("resources/presets/small.yaml", study="harmonic")


def test_paper_and_small_configs_pass_their_checks():
    check(PAPER)
    check(SMALL)
    assert len(Plan(SMALL).runs()) == 9
    with_faces = dict(PAPER, celeba_path="/faces")
    assert len(Plan(with_faces).runs()) == 18 and Plan(with_faces).main() == "celeba"
    assert len(Plan(PAPER).runs()) == 17  # C^alpha 2 at 10^5 is both a main and an alpha run


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"pool_size": 100}, "pool_size"),
        ({"L": 18}, "harmonic.L"),
        ({"dataset": "celeba"}, "celeba_path"),
        ({"figures": {"fig3": {"sigma": 0.3}}}, "fig3.sigma"),
    ],
)
def test_inconsistent_configs_name_their_key(change, key):
    config = copy.deepcopy(SMALL)
    config.update(change)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        check(config)


def test_bad_spec_and_missing_input_are_one_line(tmp_path, capsys):
    assert main(["harmonic", "train", "--data", "x.h5", "--spec", "{}", "--run-dir", "r"]) == 2
    assert "--spec lacks key" in capsys.readouterr().err
    spec = (
        '{"network": {"arch": "unet", "K": 4, "B": 1}, "epochs": 1, "epoch_images": 4, '
        '"batch_size": 2, "lr": 0.001, "halve_every": 1, "seed": 0, "mixed_precision": false, '
        '"data": {"dataset": {"name": "disc"}, "L": 8, "seed": 0, "part": "A", "n": 2, '
        '"pool": 8}}'
    )
    code = main(
        [
            "harmonic",
            "train",
            "--data",
            str(tmp_path / "none.h5"),
            "--spec",
            spec,
            "--run-dir",
            str(tmp_path / "run"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "none.h5" in err and len(err.strip().splitlines()) == 1
