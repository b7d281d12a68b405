"""Study 1's plotters read their settings from their own config section and state units."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diffgen.biased.figures import fig1b, fig3b, fig4b, fig6, figA11, sequential

ROOT = Path(__file__).resolve().parents[2]
STYLE = ROOT / "resources" / "style" / "diffgen.mplstyle"
EPOCHS = (10, 23, 53, 122)


@pytest.fixture
def drawn(monkeypatch):
    """The figures the plotters hand to ``save``, instead of files."""
    figures = []

    def keep(fig, pdf, png):
        fig.canvas.draw()
        figures.append(fig)

    for module in (sequential, fig3b, fig4b, figA11):
        monkeypatch.setattr(module, "save", keep)
    return figures


def texts(fig) -> str:
    parts = [ax.get_title() for ax in fig.axes] + [ax.get_ylabel() for ax in fig.axes]
    parts += [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    return "\n".join(parts)


def sequential_table() -> pd.DataFrame:
    rows = []
    for n in (64, 256):
        for epoch in EPOCHS:
            for series, count in (("oracle_k0_test", 3), ("oracle_k0_train", 3),
                                  ("split_disjoint", 3), ("split_same", 1)):  # fmt: skip
                rows.append({"n": n, "epoch": epoch, "series": series, "count": count,
                             "mean": 1 + abs(np.log(epoch / 30)), "se": 0.1})  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize("module", [fig1b, fig6])
def test_sequential_figures_show_their_own_time_the_unit_and_the_pairs(module, drawn):
    module.plot(sequential_table(), "x.pdf", "x.png", str(STYLE), {"t_fraction": 0.2})
    text = texts(drawn[0])
    assert "t/T = 0.2" in text and "0.15" not in text
    assert "nats per sequence" in text
    assert "(3 pairs)" in text and "(1 pair)" in text


def test_fig3b_marks_the_configured_critical_time_and_draws_bp_k(drawn, monkeypatch):
    marks = []
    original = fig3b.draw.mark_x
    monkeypatch.setattr(
        fig3b.draw, "mark_x", lambda ax, x, **kw: marks.append(x) or original(ax, x, **kw)
    )
    rows = []
    for t in range(1, 11):
        for n in (64, 256):
            rows.append({"series": "model", "n": n, "epoch": 53, "t": t, "t_fraction": t / 10,
                         "mean": 1.0 + t, "se": 0.1})  # fmt: skip
        for k in (1, 2):
            rows.append({"series": f"bp{k}", "n": np.nan, "epoch": np.nan, "t": t,
                         "t_fraction": t / 10, "mean": 0.5 * k, "se": 0.0})  # fmt: skip
    fig3b.plot(pd.DataFrame(rows), "x.pdf", "x.png", str(STYLE), {"critical_fraction": 0.22})
    assert marks == [0.22]
    text = texts(drawn[0])
    assert "KL(BP₀ ‖ BP₁)" in text and "KL(BP₀ ‖ BP₂)" in text and "n = 256" in text
    assert "nats per sequence" in text and len(drawn[0].axes) == 1


def test_fig4b_draws_the_fixed_t_and_the_mean_over_t_panels(drawn):
    rows = [{"n": 64, "epoch": e, "data": d, "mode": m, "term": term, "mean": 1.0, "sd": 0.1}
            for e in EPOCHS for d in ("train", "test") for m in ("fixed", "mean")
            for term in ("total", "l_star", "l_tilde")]  # fmt: skip
    fig4b.plot(pd.DataFrame(rows), "x.pdf", "x.png", str(STYLE), {"t_fraction": 0.3})
    text = texts(drawn[0])
    assert len(drawn[0].axes) == 4
    assert "at t/T = 0.3" in text and "mean over t" in text


def test_figA11_draws_a_curve_per_checkpoint(drawn):
    rows = []
    for t in (3, 4, 5):
        for epoch, label in ((10, "first"), (53, "nn_divergence_min+test_loss_min")):
            rows.append({"n": 64, "t": t, "t_fraction": t / 50, "denoiser": "model",
                         "epoch": epoch, "checkpoint": label, "mean": 0.5, "se": 0.01})  # fmt: skip
        for name in ("empirical", "bp0", "bp4"):
            rows.append({"n": 64, "t": t, "t_fraction": t / 50, "denoiser": name,
                         "epoch": np.nan, "checkpoint": "", "mean": 0.9, "se": 0.01})  # fmt: skip
    figA11.plot(pd.DataFrame(rows), "x.pdf", "x.png", str(STYLE), {})
    text = texts(drawn[0])
    assert "model, epoch 10 (first checkpoint)" in text
    assert "model, epoch 53 (NN-div. min, test-loss min)" in text
    assert "BP₀ (exact)" in text and "empirical" in text


def test_gpu_smoke_script_runs_tiny_on_the_cpu():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gpu_smoke.py"), "--tiny", "--device", "cpu",
         "--threads", "1"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    for field in ("steps/s", "MFU", "compile fallback", "KL(BP0||model)", "gpu_smoke: ok"):
        assert field in result.stdout
