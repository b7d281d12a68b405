"""Figure plotters on small synthetic tables: files appear, sizes are sane, output is stable."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import GRAMMAR_FIGURES

from diffgen.biased.registry import FIGURES
from diffgen.core.errors import InputFileError
from diffgen.core.figures.style import PNG_DPI
from diffgen.core.registry import resolve

STYLE = Path(__file__).resolve().parents[2] / "resources" / "style" / "diffgen.mplstyle"
SIZES = (5_000, 12_000)
EPOCHS = (100, 316, 1_000, 3_162, 10_000)
FRACTIONS = (0.02, 0.1, 0.15, 0.3, 0.6, 1.0)


def bump(x: np.ndarray, centre: float, width: float = 1.0) -> np.ndarray:
    """A smooth U in log10(x) with its minimum at ``centre``: stands in for a measured curve."""
    return 0.05 + ((np.log10(x) - np.log10(centre)) / width) ** 2


def table_fig4a(sizes=SIZES, epochs=EPOCHS, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        e = np.array(epochs, dtype=float)
        nn = bump(e, 300 * n / 5000) * (1 + 0.05 * rng.standard_normal(e.size))
        test = 1.0 + 0.1 * bump(e, 1500 * n / 5000)
        train = 1.0 + 0.1 * bump(e, 1500 * n / 5000) - 0.05 * np.log10(e / e[0])
        for i, epoch in enumerate(epochs):
            rows.append(
                {
                    "n": n,
                    "epoch": epoch,
                    "nn_kl_mean": nn[i],
                    "nn_kl_se": 0.1 * nn[i],
                    "test_loss_mean": test[i],
                    "test_loss_se": 0.01,
                    "train_loss_mean": train[i],
                    "train_loss_se": 0.01,
                    "n_seeds": 15,
                }
            )
    return pd.DataFrame(rows)


def table_sequential(sizes=SIZES, epochs=EPOCHS, levels=5, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    e = np.array(epochs, dtype=float)
    for n in sizes:
        curves = {}
        for k in range(levels):
            centre = 3000 / (1 + 2 * k)
            curves[f"oracle_k{k}_test"] = (0.02 + 0.1 * k) * bump(e, centre)
            curves[f"oracle_k{k}_train"] = 0.8 * curves[f"oracle_k{k}_test"]
        curves["split_disjoint"] = 0.5 * bump(e, 800)
        curves["split_same"] = 0.3 * bump(e, 800)
        for series, mean in curves.items():
            mean = mean * (1 + 0.03 * rng.standard_normal(e.size))
            for i, epoch in enumerate(epochs):
                rows.append(
                    {"n": n, "epoch": epoch, "series": series, "mean": mean[i], "se": 0.1 * mean[i]}
                )
    return pd.DataFrame(rows)


def table_fig3b(sizes=SIZES, steps=50, seed=0) -> pd.DataFrame:
    """KL(BP0 || model) per size at its test-loss minimum, and KL(BP0 || BP_k), k = 1, 2."""
    rng = np.random.default_rng(seed)
    rows = []
    t = np.arange(1, steps + 1)
    for j, n in enumerate(sizes):
        mean = (1.0 + 0.5 * j) * np.exp(-(np.log(t / (0.15 * steps)) ** 2))
        mean *= 1 + 0.05 * rng.standard_normal(t.size)
        for i, step in enumerate(t):
            rows.append({"series": "model", "n": n, "epoch": 1000 * (j + 1), "t": step,
                         "t_fraction": step / steps, "mean": mean[i],
                         "se": 0.1 * mean[i]})  # fmt: skip
    for k in (1, 2):
        gap = 0.4 * k * np.exp(-(np.log(t / (0.2 * steps)) ** 2))
        for i, step in enumerate(t):
            rows.append({"series": f"bp{k}", "n": np.nan, "epoch": np.nan, "t": step,
                         "t_fraction": step / steps, "mean": gap[i], "se": 0.0})  # fmt: skip
    return pd.DataFrame(rows)


def table_fig4b(sizes=SIZES, epochs=EPOCHS, seed=0) -> pd.DataFrame:
    """Both panels: the loss terms at the fixed t and their mean over t, ± sd over seeds."""
    rng = np.random.default_rng(seed)
    rows = []
    e = np.array(epochs, dtype=float)
    for n in sizes:
        for mode in ("fixed", "mean"):
            for data in ("train", "test"):
                star = 0.3 * bump(e, 2000)
                tilde = 0.02 * rng.standard_normal(e.size)
                if data == "train":
                    tilde -= 0.05 * np.log10(e / e[0])
                terms = {"total": 0.9 + star + tilde, "l_star": star, "l_tilde": tilde}
                for term, mean in terms.items():
                    for i, epoch in enumerate(epochs):
                        rows.append({"n": n, "epoch": epoch, "data": data, "mode": mode,
                                     "term": term, "mean": mean[i], "sd": 0.01})  # fmt: skip
    return pd.DataFrame(rows)


def table_fig5(sizes=SIZES, fractions=FRACTIONS, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    f = np.array(fractions)
    for n in sizes:
        for r, reference in enumerate(("nn_divergence_min", "test_loss_min")):
            for data in ("train", "test"):
                bp = 1.0 - 0.6 * f
                gain = (0.05 + 0.05 * r) * f if data == "train" else 0.0
                model = np.clip(bp * (1 + gain + 0.01 * rng.standard_normal(f.size)), 0, 1)
                for i, frac in enumerate(fractions):
                    rows.append(
                        {
                            "n": n,
                            "reference": reference,
                            "epoch": 500 * (r + 1),
                            "t": round(500 * frac),
                            "t_fraction": frac,
                            "data": data,
                            "overlap_model_mean": model[i],
                            "overlap_model_se": 0.01,
                            "overlap_bp_mean": bp[i],
                            "overlap_bp_se": 0.01,
                            "ratio_mean": model[i] / bp[i],
                            "ratio_se": 0.01,
                        }
                    )
    return pd.DataFrame(rows)


def table_figA11(sizes=SIZES[:1], fractions=(0.05, 0.0625, 0.075, 0.0875, 0.1), seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    f = np.array(fractions)
    denoisers = {"model": 0.9, "empirical": 0.6, **{f"bp{k}": 0.95 - 0.05 * k for k in range(5)}}
    for n in sizes:
        for name, level in denoisers.items():
            mean = np.clip(level - 3 * (f - 0.05) + 0.01 * rng.standard_normal(f.size), 0, 1)
            for i, frac in enumerate(fractions):
                rows.append(
                    {
                        "n": n,
                        "epoch": 3000,
                        "t": round(500 * frac),
                        "t_fraction": frac,
                        "denoiser": name,
                        "mean": mean[i],
                        "se": 0.01,
                    }
                )
    return pd.DataFrame(rows)


TABLES = {
    "fig1b": table_sequential,
    "fig6": table_sequential,
    "fig3b": table_fig3b,
    "fig4a": table_fig4a,
    "fig4b": table_fig4b,
    "fig5": table_fig5,
    "figA11": table_figA11,
}


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (IHDR), no image library needed."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def render(name: str, table: pd.DataFrame, directory: Path, style=STYLE) -> tuple[Path, Path]:
    pdf, png = directory / f"{name}.pdf", directory / f"{name}.png"
    plot = resolve(FIGURES[name].plot)
    plot(table, str(pdf), str(png), None if style is None else str(style))
    return pdf, png


def test_every_table_has_a_plotter():
    """Every figure of the controlled setting (the face figures have their own tests)."""
    assert set(TABLES) == set(GRAMMAR_FIGURES) <= set(FIGURES)


def single_case(name: str) -> pd.DataFrame:
    """The smallest table a plotter must cope with: one size, and one epoch where epochs vary."""
    table = TABLES[name]()
    if name == "fig3b":  # one size's model curve, no BP_k series
        return table[(table["series"] == "model") & (table["n"] == table["n"].min())]
    table = table[table["n"] == table["n"].min()]
    if name not in ("fig5", "figA11"):  # those already hold one checkpoint per size
        table = table[table["epoch"] == table["epoch"].max()]
    return table


@pytest.mark.parametrize("name", sorted(TABLES))
def test_plotter_writes_pdf_and_png_of_sane_size(name, tmp_path):
    pdf, png = render(name, TABLES[name](), tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 1000
    assert png.stat().st_size > 1000
    width, height = png_size(png)
    assert 3.0 * PNG_DPI <= width <= 12 * 3.2 * PNG_DPI
    assert 2.0 * PNG_DPI <= height <= 20 * PNG_DPI
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert not leftovers, f"temporary files left behind: {leftovers}"


@pytest.mark.parametrize("name", sorted(TABLES))
def test_single_size_and_epoch_plots_identically_twice(name, tmp_path):
    # Determinism does not depend on the table's size, so the cheap one-panel case checks both.
    table = single_case(name)
    first = render(name, table, tmp_path / "a", style=None)
    second = render(name, table, tmp_path / "b", style=None)
    for a, b in zip(first, second, strict=True):
        assert a.stat().st_size > 1000
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two runs"


@pytest.mark.parametrize("name", sorted(TABLES))
def test_missing_column_is_named(name, tmp_path):
    table = TABLES[name]()
    column = "mean" if "mean" in table.columns else "test_loss_se"
    if name == "fig5":
        column = "ratio_se"
    with pytest.raises(InputFileError, match=column):
        render(name, table.drop(columns=[column]), tmp_path)
    assert not list(tmp_path.iterdir()), "no output may be written for a bad table"


def test_fig1b_rejects_unknown_series(tmp_path):
    table = table_sequential(sizes=(5_000,))
    table.loc[0, "series"] = "oracle_kx_test"
    with pytest.raises(InputFileError, match="oracle_kx_test"):
        render("fig1b", table, tmp_path)


def test_missing_style_sheet_is_named(tmp_path):
    with pytest.raises(InputFileError, match=r"nowhere\.mplstyle"):
        render("fig4a", table_fig4a(), tmp_path, style=tmp_path / "nowhere.mplstyle")
