"""Adding a figure to study 5 touches four files: its registry entry, table builder,
plotter and caption. The workflow's rules, input functions and plan know no figure by
name, so the new figure plans with nothing else changed."""

import re
import subprocess
from pathlib import Path

import pytest
from conftest import copy_workflow, snakemake_command

FIGURE = "fig5"
ENTRY = f'''    "{FIGURE}": Figure(
        title="Fig 5: the class's keep fraction alone",
        inputs=("keep",),
        table=f"{{TABLES}}:{FIGURE}",
        plot=f"{{PLOTS}}.{FIGURE}:plot",
    ),
}}
'''
BUILDER = f'''

def {FIGURE}(inputs: dict, options: dict) -> pd.DataFrame:
    """keep_0(t), the class alone, per source and grammar."""
    table = fig3(inputs, options)
    return table[table["level"] == 0].reset_index(drop=True)
'''


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def with_new_figure(tmp_path_factory):
    root = copy_workflow(tmp_path_factory.mktemp("rhm_new_figure"))
    before = _files(root)
    package = root / "src" / "diffgen" / "rhm"
    registry = package / "registry.py"
    assert registry.read_text().endswith("\n}\n")
    registry.write_text(registry.read_text()[: -len("}\n")] + ENTRY)
    tables = package / "tables.py"
    tables.write_text(tables.read_text() + BUILDER)
    (package / "figures" / f"{FIGURE}.py").write_text(
        '"""Fig 5: drawn as fig3 (its table holds the class rows only)."""\n\n'
        "from diffgen.rhm.figures.fig3 import plot  # noqa: F401\n"
    )
    caption = root / "workflow" / "studies" / "rhm" / "report" / f"{FIGURE}.rst"
    caption.write_text("**The class alone.** keep_0 of fig3's forward-backward runs.\n")
    return root, before


def test_only_the_four_files_of_the_figure_change(with_new_figure):
    root, before = with_new_figure
    after = _files(root)
    changed = {path for path in before if after[path] != before[path]}
    added = set(after) - set(before)
    assert changed == {"src/diffgen/rhm/registry.py", "src/diffgen/rhm/tables.py"}
    assert added == {"src/diffgen/rhm/figures/fig5.py", "workflow/studies/rhm/report/fig5.rst"}


def test_the_new_figure_plans_from_the_existing_measurement(with_new_figure):
    root, _ = with_new_figure
    command = [*snakemake_command(), "-n", "-p", f"rhm_{FIGURE}", "--cores", "2",
               "--configfile", "config.yaml", "resources/presets/small.yaml"]  # fmt: skip
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = dict(re.findall(r"^(rhm_\w+)\s+(\d+)$", result.stdout, flags=re.M))
    assert counts[f"rhm_table_{FIGURE}"] == "1" and counts[f"rhm_plot_{FIGURE}"] == "1"
    assert counts["rhm_forward_backward_bp"] == "2" and "rhm_table_fig3" not in counts
    table = re.search(
        rf"--builder diffgen\.rhm\.tables:{FIGURE} --input keep (.*?) --", result.stdout
    )
    assert table, result.stdout[-3000:]
    assert "forward_backward/bp/v8n8m3s2L3_keep.csv" in table.group(1)
