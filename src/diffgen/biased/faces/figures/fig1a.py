"""Fig 1(a): sample distance of model pairs and the losses vs epoch; representative pairs.

Left: 1 − Pearson similarity of two models' samples from the same noise
(median over pairs ± s.e.) and the test and train losses (median over models
± s.e.) against epochs, τ_cos and τ_loss marked. Right: at τ_cos and at
τ_loss, the first representative pairs of the figure's model pair with the
nearest image of each in its own training split (the pair's similarity r
under A).
"""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from diffgen.biased.faces.figures import pairs
from diffgen.core.figures.draw import band, key, mark_x, show_right_spine
from diffgen.core.figures.style import save, style_context
from diffgen.core.figures.tables import checked

DISTANCE, LOSS = "C0", "C3"
CELL = 0.4  # inches per image
CURVES = (0.62, 0.48, 2.25)  # left, bottom, width of the curve panel (inches)
CURVES_RIGHT = 0.85  # inches right of the curve panel for the loss axis
MARGIN = 0.08


def plot(table, pdf, png, style=None, options=None) -> None:
    with style_context(style):
        curves = checked(
            table[table["part"] == "curve"], "fig1a", ["epoch", "value", "se"], ["series"]
        )
        marks = checked(table[table["part"] == "reference"], "fig1a", ["epoch"], ["series"])
        images = checked(
            table[table["part"] == "image"], "fig1a", ["epoch", "rank", "similarity"],
            ["panel", "role"],
        )  # fmt: skip
        tau = {row["series"]: int(row["epoch"]) for _, row in marks.iterrows()}
        rows = int(images["rank"].max()) + 1
        grid_left = CURVES[0] + CURVES[2] + CURVES_RIGHT
        width = grid_left + pairs.grid_width(2, CELL) + MARGIN
        height = max(pairs.grid_height(rows, CELL) + MARGIN + 0.05, 2.6)
        fig = Figure(figsize=(width, height), layout="none")
        FigureCanvasAgg(fig)
        left, bottom, span = CURVES
        ax = fig.add_axes(
            (left / width, bottom / height, span / width, (height - bottom - 0.3) / height)
        )
        loss_ax = ax.twinx()
        show_right_spine(loss_ax)

        def series(name):
            return curves[curves["series"] == name]

        d = series("distance")
        band(ax, d["epoch"], d["value"], d["se"], color=DISTANCE)
        for name, line in (("test_loss", "-"), ("train_loss", "--")):
            s = series(name)
            band(loss_ax, s["epoch"], s["value"], s["se"], color=LOSS, linestyle=line)
        mark_x(ax, tau.get("tau_cos"), color=DISTANCE, linestyle=":")
        mark_x(ax, tau.get("tau_loss"), color=LOSS, linestyle=":")
        ax.set_xlabel("epochs")
        ax.set_ylabel("sample distance 1 − r", color=DISTANCE)
        loss_ax.set_ylabel("loss", color=LOSS)
        ax.tick_params(axis="y", colors=DISTANCE)
        loss_ax.tick_params(axis="y", colors=LOSS)
        handles = [key(DISTANCE), key(LOSS), key(LOSS, "--"), key(DISTANCE, ":"), key(LOSS, ":")]
        marked = [f"{pairs.PANEL_TITLES[n]} = {tau.get(n, 0):,}" for n in ("tau_cos", "tau_loss")]
        labels = ["distance (pairs)", "test loss", "train loss", *marked]
        loss_ax.legend(handles, labels, loc="best", fontsize=6, ncols=1)
        ax.set_title("samples of two models vs loss (medians)", fontsize=8)
        pairs.draw(fig, images, ["tau_cos", "tau_loss"], (grid_left, MARGIN), CELL, nn_labels=False)
        save(fig, pdf, png)
