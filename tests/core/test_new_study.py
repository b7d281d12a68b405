"""`diffgen new-study`: a working study from one command, the contract in executable form."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_workflow, snakemake_command

from diffgen.cli import main

NAME = "toystudy"


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def _env() -> dict:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return dict(os.environ, PATH=path, PYTHONUNBUFFERED="1")


def _snakemake(root: Path, *arguments: str) -> subprocess.CompletedProcess:
    command = [*snakemake_command(), *arguments, "--configfile", "config.yaml",
               "resources/presets/small.yaml", "--cores", "2"]  # fmt: skip
    return subprocess.run(
        command, cwd=root, env=_env(), capture_output=True, text=True, timeout=600
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [("Bad-Name", "use 2-20 lower-case"), ("core", "reserved"), ("rhm", "exists already")],
)
def test_bad_or_taken_names_are_one_line_errors(name, message, capsys):
    root = Path(__file__).resolve().parents[2]
    assert main(["new-study", name, "--root", str(root)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines


@pytest.fixture(scope="module")
def new_study(tmp_path_factory):
    root = copy_workflow(tmp_path_factory.mktemp("new_study"))
    before = _files(root)
    assert main(["new-study", NAME, "--title", "Study 6: a toy", "--root", str(root)]) == 0
    return root, before


def test_it_adds_nothing_outside_its_folders_but_the_include_and_config(new_study):
    root, before = new_study
    after = _files(root)
    changed = {path for path in before if after[path] != before[path]}
    assert changed == {"Snakefile", "config.yaml", "resources/presets/small.yaml"}
    added = set(after) - set(before)
    folders = (f"src/diffgen/{NAME}/", f"workflow/studies/{NAME}/", f"tests/{NAME}/")
    assert added and all(path.startswith(folders) for path in added), sorted(added)


@pytest.mark.slow
def test_it_runs_end_to_end_and_reruns_nothing_of_another_study(new_study):
    root, _ = new_study
    planned = _snakemake(root, "-n", "--forceall", NAME, "-q", "rules")
    assert planned.returncode == 0, planned.stderr[-2000:]
    counts = [line.split() for line in planned.stdout.splitlines()]
    rules = {words[0] for words in counts if len(words) == 2 and words[1].isdigit()}
    rules.discard("total")
    assert rules and all(rule.startswith(NAME) for rule in rules), rules
    result = _snakemake(root, NAME)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = root / "results" / "small" / NAME / "figures"
    assert (figures / "toy.png").stat().st_size > 5_000
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", f"tests/{NAME}", "-q", "-p", "no:cacheprovider"],
        cwd=root, env=dict(_env(), PYTHONPATH=str(root / "src")), capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-2000:]


@pytest.mark.slow
def test_adding_a_figure_touches_four_files(new_study):
    root, _ = new_study
    package, workflow = root / "src" / "diffgen" / NAME, root / "workflow" / "studies" / NAME
    registry = package / "registry.py"
    registry.write_text(
        registry.read_text().replace(
            "\n}\n",
            '\n    "toy2": Figure(title="Toy 2", inputs=("moments",),'
            f' table="diffgen.{NAME}.tables:toy2", plot="diffgen.{NAME}.figures.toy2:plot"),\n}}\n',
        )
    )
    tables = package / "tables.py"
    tables.write_text(tables.read_text() + "\n\ndef toy2(inputs, options):\n"
                      "    return toy(inputs, options).tail(2)\n")  # fmt: skip
    (package / "figures" / "toy2.py").write_text("from .toy import plot  # noqa: F401\n")
    (workflow / "report" / "toy2.rst").write_text("The toy figure again, at its last two N.\n")
    result = _snakemake(root, f"{NAME}_toy2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (root / "results" / "small" / NAME / "figures" / "toy2.png").is_file()
