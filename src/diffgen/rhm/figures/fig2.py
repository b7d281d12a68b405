"""Fig 2: final validity per level against the training-set size P (R1).

(a) valid_h at each run's last checkpoint against P (log x), with the chance
values (dotted) and the copies; (b) the same against P/(v·m^{h+1}), where
level h should be learnt once P is of that order (the curves collapse).
"""

from __future__ import annotations

import pandas as pd

from diffgen.core.figures import draw
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import checked
from diffgen.rhm.figures.common import grammar_label, grammar_shape, level_color

FIGURE = "fig2"
NUMERIC = ("P", "step", "mean", "se", "count")


def curve(table: pd.DataFrame, quantity: str) -> pd.DataFrame:
    return table[table["quantity"] == quantity].sort_values("P")


def plot(
    table: pd.DataFrame, pdf: str, png: str, style: str | None = None, options: dict | None = None
) -> None:
    """Write Fig 2 as ``pdf`` and ``png``."""
    table = checked(table, FIGURE, numeric=NUMERIC, labels=("grammar", "quantity"))
    names = sorted(table["grammar"].unique())
    if len(names) != 1:
        raise ValueError(f"{FIGURE} table holds grammars {names}; expected one")
    sh = grammar_shape(names[0], FIGURE)
    # One step count (budget steps) or one per P (budget epochs).
    steps = sorted(table["step"].dropna().unique())
    at = f"at step {int(steps[0]):,}" if len(steps) == 1 else "at each run's last step"
    with style_context(style):
        handles, labels = [], []
        for h in range(1, sh.L + 1):
            handles.append(draw.key(level_color(sh.L - h, sh.L)))
            labels.append(f"valid, h = {h}")
        handles += [draw.key("0.45", ":"), draw.key("black", (0, (1, 1)))]
        labels += ["chance (uniform leaves)", "copies of training strings"]
        fig, axes = new_figure(1, 2, legend=labels)
        for col, collapse in enumerate((False, True)):
            ax = axes[0, col]
            ax.set_xscale("log")
            draw.plain_log_labels(ax.xaxis)
            for h in range(1, sh.L + 1):
                rows = curve(table, f"valid_{h}")
                x = rows["P"] / (sh.v * sh.m ** (h + 1)) if collapse else rows["P"]
                color = level_color(sh.L - h, sh.L)
                draw.band(ax, x, rows["mean"], rows["se"], color=color)
                ax.plot(x, rows["mean"], "o", color=color, markersize=2.5)
                chance = curve(table, f"chance_{h}")
                if not chance.empty:
                    ax.axhline(chance["mean"].iloc[0], color=color, linestyle=":", linewidth=0.9)
            if not collapse:
                rows = curve(table, "copies")
                draw.band(ax, rows["P"], rows["mean"], rows["se"], color="black",
                          linestyle=(0, (1, 1)))  # fmt: skip
            ax.set_ylim(-0.02, 1.02)
            ax.set_xlabel("P / (v·m^(h+1))" if collapse else "training strings P")
            ax.set_title("(b) rescaled by v·m^(h+1)" if collapse else "(a) against P")
        axes[0, 0].set_ylabel(f"fraction valid {at}")
        fig.suptitle(f"RHM {grammar_label(sh)}", fontsize=8.5)
        figure_legend(fig, axes, handles, labels)
        save(fig, pdf, png)
