"""What a newcomer meets first: the target menu, quiet dry runs, the CLI's pointer
to Snakemake, and profile links that belong to this checkout."""

from __future__ import annotations

import importlib
import os
import subprocess
from pathlib import Path

from conftest import ROOT, snakemake_command

from diffgen.cli import build_parser, studies


def _snakemake(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*snakemake_command(), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_snakemake_l_describes_every_target():
    listed = _snakemake("-l")
    assert listed.returncode == 0, listed.stderr[-3000:]
    menu = dict(
        line.split(" (", 1) if " (" in line else (line, "") for line in listed.stdout.splitlines()
    )
    for study in studies():
        figures = importlib.import_module(f"diffgen.{study}.registry").FIGURES
        for name, figure in figures.items():
            assert figure.title in menu[f"{study}_{name}"], (study, name)
        for target in (study, f"{study}_data", f"{study}_models"):
            assert menu[target].strip(), target
    for target in ("all", "data", "models"):
        assert menu[target].strip(), target


def test_a_plain_dry_run_prints_no_caching_notice():
    dry = _snakemake("-n", "fig4a", "-q", "rules")
    assert dry.returncode == 0, dry.stderr[-3000:]
    output = dry.stdout + dry.stderr
    assert "biased_sample_bank" in output
    assert "caching" not in output.lower()
    assert len(output.splitlines()) < 100


def test_diffgen_help_points_at_snakemake():
    text = build_parser(["--help"]).format_help()
    assert "snakemake -l" in text and "Figures come from Snakemake" in text


def _link(home: Path, clone: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CONFIG_HOME": str(home)}
    script = clone / "resources" / "link-profiles.sh"
    return subprocess.run(
        ["bash", str(script), *args], env=env, capture_output=True, text=True, timeout=60
    )


def _clone(folder: Path) -> Path:
    """A checkout as the set-up sees it: its profiles and the script."""
    (folder / "resources").mkdir(parents=True)
    (folder / "resources" / "link-profiles.sh").write_text(
        (ROOT / "resources" / "link-profiles.sh").read_text()
    )
    for name in ("slurm", "local"):
        (folder / "profiles" / name).mkdir(parents=True)
        (folder / "profiles" / name / "config.yaml").write_text(f"# {folder.name}\n")
    return folder


def test_profile_links_of_another_clone_are_named_and_relinked_on_request(tmp_path):
    home = tmp_path / "config"
    first, second = _clone(tmp_path / "first"), _clone(tmp_path / "second")
    assert _link(home, first).returncode == 0
    slurm = home / "snakemake" / "slurm"
    assert slurm.resolve() == (first / "profiles" / "slurm").resolve()

    noticed = _link(home, second)
    assert noticed.returncode == 0
    assert "points at another clone" in noticed.stderr and str(first) in noticed.stderr
    assert "--relink" in noticed.stderr
    assert slurm.resolve() == (first / "profiles" / "slurm").resolve()

    relinked = _link(home, second, "--relink")
    assert relinked.returncode == 0 and "relinked" in relinked.stderr
    assert slurm.resolve() == (second / "profiles" / "slurm").resolve()
    assert _link(home, second).stderr == ""


def test_a_profile_of_the_users_own_is_kept(tmp_path):
    home = tmp_path / "config"
    own = home / "snakemake" / "slurm"
    own.mkdir(parents=True)
    (own / "config.yaml").write_text("# mine\n")
    clone = _clone(tmp_path / "clone")
    result = _link(home, clone, "--relink")
    assert "kept it" in result.stderr
    assert (own / "config.yaml").read_text() == "# mine\n" and not own.is_symlink()


def test_every_figure_is_titled_with_the_paper_figure_and_its_preset():
    from matplotlib.figure import Figure

    from diffgen.core.figures.style import _add_heading, heading
    from diffgen.core.registry import figure_heading, report_category

    assert figure_heading("Fig 4(a): NN divergence", "paper") == "Fig 4(a): NN divergence"
    small = figure_heading("Fig 4(a): NN divergence", "small")
    assert small == "Fig 4(a): NN divergence (small preset)"
    fig = Figure()
    fig.suptitle("n = 64, 2 seeds")
    with heading(small):
        _add_heading(fig)
    assert fig.get_suptitle() == f"{small}\nn = 64, 2 seeds"
    assert ": " not in report_category("Study 1: biased generalization", "tables (CSV)")


def test_a_heading_above_hand_placed_panels_moves_nothing():
    from matplotlib.figure import Figure

    from diffgen.core.figures.style import _add_heading, heading

    fig = Figure(figsize=(4, 2), layout="none")
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.7))
    fig.text(0.5, 0.9, "label")
    before = ax.get_position().y1 * 2, fig.texts[0].get_position()[1] * 2  # inches
    with heading("Fig 1(a): faces (small preset)"):
        _add_heading(fig)
    height = fig.get_size_inches()[1]
    assert height > 2
    assert abs(ax.get_position().y1 * height - before[0]) < 1e-9
    assert abs(fig.texts[0].get_position()[1] * height - before[1]) < 1e-9
