"""Study 4's plots: ρ_model with its 95 % interval against a setting axis, one panel per panel.

fig1/fig2: against ρ with y = x; fig3: against the class size with y = ρ; fig4:
against N; fig5: against w (log x), one curve per T, y = ρ; figA: accuracy
against σ per class and alignment.
"""

from __future__ import annotations

import pandas as pd

from diffgen.core.figures.draw import cycle_colors
from diffgen.core.figures.style import new_figure, save, style_context


def _panels(table: pd.DataFrame, pdf, png, style, x: str, curve: list[str], logx=False,
            identity=False, reference=False) -> None:  # fmt: skip
    panels = sorted(table["panel"].unique())
    with style_context(style):
        fig, axes = new_figure(1, max(len(panels), 1))
        for ax, panel in zip(axes[0], panels, strict=False):
            rows = table[table["panel"] == panel]
            keys = sorted(map(tuple, rows[curve].drop_duplicates().itertuples(index=False)))
            for color, key in zip(cycle_colors(len(keys)), keys, strict=True):
                sel = rows.loc[(rows[curve] == pd.Series(key, index=curve)).all(axis=1)]
                sel = sel.sort_values(x)
                label = ", ".join(f"{c}={v}" for c, v in zip(curve, key, strict=True))
                ax.fill_between(sel[x], sel["ci_low"], sel["ci_high"], color=color, alpha=0.2)
                ax.plot(sel[x], sel["rho_model"], "o-", color=color, label=label, markersize=3)
            if identity:
                lo, hi = rows[x].min(), rows[x].max()
                ax.plot([lo, hi], [lo, hi], ":", color="0.4")
            if reference:
                ax.axhline(rows["rho"].iloc[0], linestyle=":", color="0.4")
            if logx:
                ax.set_xscale("log")
            ax.set_title(str(panel))
            ax.set_xlabel(x)
            ax.set_ylabel("ρ_model")
            ax.legend(fontsize=6)
        save(fig, pdf, png)


def fig1(table, pdf, png, style=None, options=None) -> None:
    _panels(table, pdf, png, style, "rho", ["steps", "s_churn"], identity=True)


def fig2(table, pdf, png, style=None, options=None) -> None:
    _panels(table, pdf, png, style, "rho", ["steps", "s_churn"], identity=True)


def fig3(table, pdf, png, style=None, options=None) -> None:
    _panels(table, pdf, png, style, "class_size", ["steps", "s_churn"], reference=True)


def fig4(table, pdf, png, style=None, options=None) -> None:
    _panels(table, pdf, png, style, "steps", ["solver", "s_churn"], logx=True)


def fig5(table, pdf, png, style=None, options=None) -> None:
    _panels(table, pdf, png, style, "w", ["T"], logx=True, reference=True)


def figA(table, pdf, png, style=None, options=None) -> None:
    with style_context(style):
        fig, axes = new_figure(1, 1)
        ax = axes[0, 0]
        groups = sorted(table.groupby(["class", "aligned"]).groups)
        for color, (c, aligned) in zip(cycle_colors(len(groups)), groups, strict=True):
            sel = table[(table["class"] == c) & (table["aligned"] == aligned)].sort_values("sigma")
            ax.plot(
                sel["sigma"],
                sel["accuracy"],
                "o-",
                color=color,
                markersize=3,
                label=f"class {c}, {'aligned' if str(aligned) == 'True' else 'conflicting'}",
            )
        ax.set_xlabel("σ")
        ax.set_ylabel("classifier accuracy")
        ax.legend(fontsize=6)
        save(fig, pdf, png)
