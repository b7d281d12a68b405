"""Figures name themselves, their headings fit, and their legends hide no data.

Each figure is drawn from a synthetic table through the plot job's heading, and
the figure is kept open at ``save``: its title must start with the paper figure
(and the preset), and no legend's box may cover a plotted point or any point
along a plotted line (axvline/axhline and twin axes included), in display
coordinates.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from test_figures import TABLES

from diffgen.biased.registry import FIGURES
from diffgen.core.figures import style
from diffgen.core.figures.style import data_points, heading, legend_overlaps, legends
from diffgen.core.registry import figure_heading, resolve


@pytest.fixture
def kept(monkeypatch):
    """The figures ``save`` wrote, left open for inspection."""
    figures = []
    monkeypatch.setattr(style, "close", figures.append)
    return figures


def covered(fig: Figure, legend) -> int:
    """Plotted points inside ``legend``'s box, computed here from the artists."""
    box = legend.get_window_extent(fig.canvas.get_renderer())
    count = 0
    for ax in fig.axes:
        for line in ax.get_lines():
            xy = line.get_transform().transform(line.get_xydata())
            for (x0, y0), (x1, y1) in itertools.pairwise(xy):
                for w in np.linspace(0, 1, 50):
                    x, y = x0 + w * (x1 - x0), y0 + w * (y1 - y0)
                    count += bool(box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1)
    return count


def titled(fig: Figure, title: str) -> bool:
    """The heading starts with ``title`` (wrapping aside) and lies inside the figure's width."""
    box = fig._suptitle.get_window_extent(fig.canvas.get_renderer())
    words = " ".join(fig.get_suptitle().split())
    return words.startswith(" ".join(title.split())) and 0 <= box.x0 and box.x1 <= fig.bbox.width


def table_fig1a(size: int = 4) -> pd.DataFrame:
    """Distance and losses over six epochs, τ_cos = 100 at the distance's minimum, one pair."""
    rng = np.random.default_rng(0)
    epochs = [10, 30, 100, 300, 1000, 3000]
    distance = [0.6, 0.4, 0.2, 0.3, 0.45, 0.5]
    test = [1.0, 0.7, 0.5, 0.35, 0.3, 0.32]
    train = [1.0, 0.68, 0.45, 0.3, 0.22, 0.15]
    rows = []
    for series, values in (("distance", distance), ("test_loss", test), ("train_loss", train)):
        rows += [{"part": "curve", "series": series, "epoch": e, "value": v, "se": 0.02,
                  "count": 3} for e, v in zip(epochs, values, strict=True)]  # fmt: skip
    rows += [{"part": "reference", "series": "tau_cos", "epoch": 100},
             {"part": "reference", "series": "tau_loss", "epoch": 1000}]  # fmt: skip
    for panel, epoch in (("tau_cos", 100), ("tau_loss", 1000)):
        for role in ("nn_a", "a", "b", "nn_b"):
            pixels = rng.uniform(size=size * size)
            row = {"part": "image", "panel": panel, "epoch": epoch, "rank": 0, "role": role,
                   "similarity": 0.8, "source": 1, "height": size, "width": size}  # fmt: skip
            row.update({f"pixel{i}": v for i, v in enumerate(pixels)})
            rows.append(row)
    return pd.DataFrame(rows)


def table_rhm_fig2() -> pd.DataFrame:
    """Validity per level rising with P at each level's own scale, chance values, copies."""
    rows = []
    for P in (256, 1024, 4096, 16384):
        for h, scale in ((1, 300), (2, 2000), (3, 9000)):
            value = P / (P + scale)
            rows.append({"quantity": f"valid_{h}", "mean": value, "se": 0.02})
            rows[-1].update({"grammar": "v16n16m4s2L3", "P": P, "step": 4096, "count": 3})
        rows.append({"grammar": "v16n16m4s2L3", "P": P, "step": 4096, "count": 3,
                     "quantity": "copies", "mean": 256 / P, "se": 0.01})  # fmt: skip
    for h, chance in ((1, 0.25), (2, 0.02), (3, 0.0004)):
        rows.append({"grammar": "v16n16m4s2L3", "P": 256, "step": 4096, "count": 1,
                     "quantity": f"chance_{h}", "mean": chance, "se": 0.0})  # fmt: skip
    return pd.DataFrame(rows)


CASES = {**TABLES, "fig1a": table_fig1a}
OTHER = {("rhm", "fig2"): table_rhm_fig2}


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_titled_and_its_legends_hide_no_data(name, kept, tmp_path):
    title = figure_heading(FIGURES[name].title, "small")
    with heading(title):
        resolve(FIGURES[name].plot)(CASES[name](), str(tmp_path / "f.pdf"), str(tmp_path / "f.png"))
    (fig,) = kept
    assert titled(fig, title) and "(small preset)" in title
    found = legends(fig)
    assert found, "every figure has a legend"
    assert legend_overlaps(fig) == [0] * len(found)
    assert [covered(fig, legend) for legend in found] == [0] * len(found)
    assert len(data_points(fig)) > 0


@pytest.mark.parametrize(("study", "name"), sorted(OTHER))
def test_other_studies_figures_are_titled_and_hide_no_data(study, name, kept, tmp_path):
    figure = resolve(f"diffgen.{study}.registry:FIGURES")[name]
    title = figure_heading(figure.title, "small")
    with heading(title):
        resolve(figure.plot)(OTHER[study, name](), str(tmp_path / "f.pdf"), str(tmp_path / "f.png"))
    (fig,) = kept
    assert titled(fig, title)
    found = legends(fig)
    assert found and legend_overlaps(fig) == [0] * len(found)
    assert [covered(fig, legend) for legend in found] == [0] * len(found)


def test_a_legend_over_the_data_is_moved_and_the_check_sees_it(kept, tmp_path):
    fig = Figure(figsize=(3, 2.4), layout="constrained")
    style.FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = np.linspace(0, 1, 50)
    ax.plot(x, 0.5 + 0.0 * x, label="flat")  # crosses every upper/lower legend place's middle
    ax.plot(x, x, label="rising")
    ax.axvline(0.95, label="mark")
    twin = ax.twinx()
    twin.plot(x, 1 - x, color="k")  # a twin's line: matplotlib's "best" does not see it
    legend = ax.legend(loc="upper right")
    fig.draw_without_rendering()
    assert legend_overlaps(fig)[0] > 0 and covered(fig, legend) > 0
    style.save(fig, tmp_path / "f.pdf", tmp_path / "f.png")
    assert kept == [fig] and legend_overlaps(fig) == [0] and covered(fig, legend) == 0


def test_every_registered_figure_names_its_paper_figure():
    registries = {
        study: resolve(f"diffgen.{study}.registry:FIGURES")
        for study in ("biased", "harmonic", "repro", "rhm")
    }
    # Study 2's quantifications have no paper figure; their titles name what they measure.
    unnumbered = {("harmonic", name) for name in ("var", "sigma", "calpha", "disc")}
    for study, figures in registries.items():
        for name, figure in figures.items():
            if (study, name) in unnumbered:
                continue
            assert "Fig" in figure.title.split(":")[0], (study, name, figure.title)
    assert figure_heading("Fig 2: x", "small") == "Fig 2: x (small preset)"
    assert figure_heading("Fig 2: x", "paper") == "Fig 2: x"
