"""Drawing primitives shared by the figures: mean ± s.e. curves, markers, colours.

Kept in one place so every figure shows uncertainty, minima and sizes the same way.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps, rcParams
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogFormatter

BAND_ALPHA = 0.2
MARK_WIDTH = 0.9
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def band(
    ax: Axes,
    x: np.ndarray,
    mean: np.ndarray,
    se: np.ndarray,
    *,
    color: object,
    linestyle: object = "-",
    linewidth: float | None = None,
) -> Line2D:
    """Plot ``mean`` with a shaded ±``se`` band; a lone point gets a marker and error bar.

    A missing s.e. (one seed) draws no band rather than hiding the curve.
    """
    x = np.asarray(x, dtype=float)
    mean = np.asarray(mean, dtype=float)
    se = np.nan_to_num(np.asarray(se, dtype=float), nan=0.0)
    order = np.argsort(x, kind="stable")
    x, mean, se = x[order], mean[order], se[order]
    single = x.size == 1
    (line,) = ax.plot(
        x,
        mean,
        color=color,
        linestyle=linestyle,
        linewidth=linewidth,
        marker="o" if single else None,
        markersize=3,
    )
    if single:
        ax.errorbar(x, mean, yerr=se, color=color, capsize=2, linewidth=0.8)
        widen_around(ax, float(x[0]), float(mean[0]))
    else:
        ax.fill_between(x, mean - se, mean + se, color=color, alpha=BAND_ALPHA, linewidth=0)
    return line


def widen_around(ax: Axes, x: float, y: float) -> None:
    """Give a lone x value some room, so autoscaling never meets a zero-width range."""
    if ax.get_xscale() == "log" and x > 0:
        span = [x / 2, x * 2]
    else:
        span = [x - 0.05, x + 0.05]
    ax.update_datalim([(v, y) for v in span], updatey=False)


def mark_x(ax: Axes, x: float | None, *, color: object, linestyle: object = "--") -> Line2D:
    """A vertical line at ``x`` (an epoch or a time); returns a legend handle even if x is None."""
    handle = Line2D([], [], color=color, linestyle=linestyle, linewidth=MARK_WIDTH)
    if x is not None:
        ax.axvline(x, color=color, linestyle=linestyle, linewidth=MARK_WIDTH, alpha=0.85)
    return handle


def key(
    color: object = "0.35",
    linestyle: object = "-",
    linewidth: float | None = None,
    marker: str | None = None,
) -> Line2D:
    """A legend-only line (for 'solid = test, dashed = train' style keys)."""
    return Line2D(
        [], [], color=color, linestyle=linestyle, linewidth=linewidth, marker=marker, markersize=3
    )


def sequential_colors(count: int) -> list[tuple[float, ...]]:
    """``count`` colours of a sequential map, dark to light, skipping the faint yellow end."""
    cmap = colormaps["viridis"]
    return [tuple(cmap(v)) for v in np.linspace(0.0, 0.82, max(count, 1))[:count]]


def cycle_colors(count: int) -> list[object]:
    """``count`` colours from the active style's colour cycle, wrapping around if needed."""
    palette = rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
    return [palette[i % len(palette)] for i in range(count)]


def log_epochs(ax: Axes) -> None:
    """Epochs on a log axis; non-positive epochs are dropped rather than drawn at the edge."""
    ax.set_xscale("log", nonpositive="mask")
    plain_log_labels(ax.xaxis)
    ax.set_xlabel("epochs")


def log_y(ax: Axes) -> None:
    """A log y axis (divergences span decades) with plain-number tick labels."""
    ax.set_yscale("log")
    plain_log_labels(ax.yaxis)


def bp(k: int) -> str:
    """'BP₀', 'BP₁₂': Unicode subscripts render in any font without mathtext."""
    return "BP" + str(k).translate(SUBSCRIPTS)


def plain_log_labels(axis) -> None:
    """Label log ticks '1,000' and '0.01' instead of 10^3 and 10^-2.

    Plain numbers read faster for epochs, and they skip mathtext, which costs
    more than the rest of a small figure put together.
    """
    axis.set_major_formatter(FuncFormatter(plain_number))
    axis.set_minor_formatter(PlainLogFormatter(labelOnlyBase=False))


class PlainLogFormatter(LogFormatter):
    """Matplotlib's choice of which minor log ticks deserve a label, written as plain numbers."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return plain_number(x) if super().__call__(x, pos) else ""


def plain_number(value: float, _position: object = None) -> str:
    """'30,000', '1.5', '0.01': thousands separated, no trailing zeros."""
    if value >= 1000 and float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


def empty_panel(ax: Axes, text: str = "no data") -> None:
    """Mark a panel whose combination is absent from the table instead of leaving it blank."""
    ax.set_axis_off()  # not set_xticks([]): that would strip ticks from shared axes too
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="0.5")


def show_right_spine(ax: Axes) -> None:
    """A twin y-axis needs the right spine the paper style hides."""
    ax.spines["right"].set_visible(True)
    ax.spines["top"].set_visible(False)
