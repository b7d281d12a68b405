"""Look and output of every figure: one style, one figure factory, one atomic writer.

Plotters build plain :class:`matplotlib.figure.Figure` objects on the Agg canvas
(never pyplot), so nothing depends on a display or on global pyplot state, and
parallel workflow jobs cannot interfere with each other.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path

import matplotlib.style
import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from diffgen.core.atomic import atomic_path
from diffgen.core.errors import InputFileError

PANEL_WIDTH = 3.2  # inches per panel column
PANEL_HEIGHT = 2.4  # inches per panel row
PNG_DPI = 200
LEGEND_HANDLE_WIDTH = 0.5  # inches: line sample, gaps and column spacing
LEGEND_CHAR_WIDTH = 0.048  # inches per character at 7 pt (DejaVu Sans, mixed case)
LEGEND_ROW_HEIGHT = 0.17  # inches per legend row at 7 pt
HEADING_SIZE = 9  # pt: the figure title, a step above the panel titles
HEADING_ROOM = 0.2  # inches per heading line added above hand-laid-out figures
HEADING_FILL = 0.94  # share of the figure width a heading line may take before it wraps
#: Where a legend inside the axes may go, tried in this order until it hides no data.
LEGEND_PLACES = ("upper right", "upper left", "lower left", "lower right", "center left",
                 "center right", "upper center", "lower center", "center")  # fmt: skip
SEGMENT_SAMPLES = 24  # points per line segment when testing what a legend covers

#: The title every saved figure gets above its panels (set by the plot job).
_HEADING: contextvars.ContextVar[str] = contextvars.ContextVar("heading", default="")

# Applied with or without a style sheet, so a plotter called without one still
# gives a readable, paper-sized figure.
BASE_RC: dict[str, object] = {
    "font.size": 8,
    "axes.titlesize": 8.5,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "lines.linewidth": 1.1,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "pdf.fonttype": 42,
}

# Forced last: these make equal tables give byte-equal files.
DETERMINISTIC_RC: dict[str, object] = {
    "svg.hashsalt": "diffgen",
    "savefig.bbox": None,
    "savefig.dpi": PNG_DPI,
    "path.simplify": True,
}


@contextlib.contextmanager
def style_context(style: str | os.PathLike | None = None) -> Iterator[None]:
    """Apply matplotlib defaults, our base settings, then the style sheet if one is given.

    Starting from matplotlib's defaults (not the user's matplotlibrc) keeps the
    output independent of the machine the workflow runs on.
    """
    layers: list[object] = ["default", BASE_RC]
    if style is not None:
        path = Path(style)
        if not path.is_file():
            raise InputFileError(f"figure style sheet not found: {path}")
        layers.append(str(path))
    with matplotlib.style.context(layers), rc_context(DETERMINISTIC_RC):
        yield


@contextlib.contextmanager
def heading(text: str) -> Iterator[None]:
    """Figures saved inside get ``text`` as their title, above any title of their own,
    so every figure names the paper figure it reproduces (and the preset)."""
    token = _HEADING.set(text)
    try:
        yield
    finally:
        _HEADING.reset(token)


def _add_heading(fig: Figure) -> None:
    text = _HEADING.get()
    if not text:
        return
    own = fig.get_suptitle()
    heading = _fit_width(fig, f"{text}\n{own}" if own else text)
    if fig.get_layout_engine() is None:  # hand-placed panels: make room above them
        _grow_top(fig, HEADING_ROOM * (1 + heading.count("\n")))
    fig.suptitle(heading, fontsize=HEADING_SIZE)


def _fit_width(fig: Figure, heading: str) -> str:
    """Wrap each heading line wider than the figure (a one-panel figure would clip it)."""
    if not isinstance(fig.canvas, FigureCanvasAgg):  # a bare Figure() cannot measure text
        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    room = HEADING_FILL * fig.bbox.width
    lines = []
    for line in heading.split("\n"):
        probe = fig.text(0, 0, line, fontsize=HEADING_SIZE)
        width = probe.get_window_extent(renderer).width
        probe.remove()
        chars = len(line) if width <= room else max(12, int(len(line) * room / width))
        lines.append(textwrap.fill(line, chars))
    return "\n".join(lines)


def _grow_top(fig: Figure, inches: float) -> None:
    """Add ``inches`` above a hand-laid-out figure, every axes and text staying where it was."""
    width, height = fig.get_size_inches()
    scale = height / (height + inches)
    fig.set_size_inches(width, height + inches)
    for ax in fig.axes:
        box = ax.get_position(original=True)
        ax.set_position((box.x0, box.y0 * scale, box.width, box.height * scale))
    for label in fig.texts:
        x, y = label.get_position()
        label.set_position((x, y * scale))


def legend_entry_width(labels: Sequence[str]) -> float:
    """Inches one legend entry needs: the line handle plus the longest label at 7 pt."""
    return LEGEND_HANDLE_WIDTH + LEGEND_CHAR_WIDTH * max(len(label) for label in labels)


def legend_columns(width: float, labels: Sequence[str], ncols: int | None = None) -> int:
    """Legend entries side by side across ``width`` inches (``ncols`` if the caller groups them)."""
    if ncols is not None:
        return max(1, min(ncols, len(labels)))
    return max(1, min(len(labels), int(width // legend_entry_width(labels))))


def new_figure(
    nrows: int,
    ncols: int,
    *,
    legend: Sequence[str] = (),
    legend_ncols: int | None = None,
    panel_width: float = PANEL_WIDTH,
    panel_height: float = PANEL_HEIGHT,
    sharex: bool | str = False,
    sharey: bool | str = False,
) -> tuple[Figure, np.ndarray]:
    """A constrained-layout figure with a 2-d array of axes, sized per panel.

    Room for the figure legend (labels ``legend``) is added below the panels, not
    taken from them (beside a narrow figure it would take ~40 % of its width).
    """
    width = panel_width * ncols
    height = panel_height * nrows
    if legend:
        rows = math.ceil(len(legend) / legend_columns(width, legend, legend_ncols))
        height += LEGEND_ROW_HEIGHT * rows + 0.12
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=sharex, sharey=sharey)
    return fig, axes


def figure_legend(
    fig: Figure,
    axes: np.ndarray,
    handles: list,
    labels: list[str],
    ncols: int | None = None,
) -> None:
    """The figure legend where :func:`new_figure` made room: below the panels, over no data."""
    width = fig.get_figwidth()
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=legend_columns(width, labels, ncols),
    )


def data_points(fig: Figure) -> np.ndarray:
    """Display coordinates (K, 2) of every plotted vertex, lines sampled along their segments.

    Lines of every axes (twins included, and axhline/axvline through their own
    transforms) and scatter points; a legend over any of them hides data.
    """
    found = [np.zeros((0, 2))]
    for ax in fig.axes:
        for line in ax.get_lines():
            if not line.get_visible():
                continue
            xy = np.asarray(line.get_transform().transform(line.get_xydata()), dtype=float)
            xy = xy[np.isfinite(xy).all(axis=1)]
            if len(xy) > 1:
                w = np.linspace(0.0, 1.0, SEGMENT_SAMPLES)[None, :, None]
                xy = (xy[:-1, None] * (1 - w) + xy[1:, None] * w).reshape(-1, 2)
            found.append(xy)
        for collection in ax.collections:
            offsets = np.asarray(collection.get_offsets(), dtype=float)
            if collection.get_visible() and len(offsets) and collection.get_paths():
                xy = collection.get_offset_transform().transform(offsets)
                found.append(xy[np.isfinite(xy).all(axis=1)])
    return np.concatenate(found)


def legends(fig: Figure) -> list:
    """Every legend of ``fig``: the figure's own and those inside its axes."""
    return [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)]


def legend_overlaps(fig: Figure) -> list[int]:
    """Per legend of :func:`legends`, how many plotted points its box covers (after a draw)."""
    renderer = fig.canvas.get_renderer()
    points = data_points(fig)
    counts = []
    for legend in legends(fig):
        box = legend.get_window_extent(renderer)
        inside = ((points[:, 0] >= box.x0) & (points[:, 0] <= box.x1)
                  & (points[:, 1] >= box.y0) & (points[:, 1] <= box.y1))  # fmt: skip
        counts.append(int(inside.sum()))
    return counts


def clear_legends(fig: Figure) -> None:
    """Move every legend inside an axes to the first place where it hides no data.

    Matplotlib's ``loc="best"`` only sees its own axes' vertices (not a twin's
    lines, not the segments between vertices, not axvline/axhline); here every
    line of the figure counts. With no free place, the legend goes outside its
    axes, to the right.
    """
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        index = legends(fig).index(legend)
        fig.draw_without_rendering()
        if legend_overlaps(fig)[index] == 0:
            continue
        for place in LEGEND_PLACES:
            legend.set_loc(place)
            fig.draw_without_rendering()
            if legend_overlaps(fig)[index] == 0:
                break
        else:
            _beside(fig, ax, legend)


def _beside(fig: Figure, ax, legend) -> None:
    """Put ``legend`` right of its axes, clear of the tick labels of the axes and its twins."""
    renderer = fig.canvas.get_renderer()
    legend.set_in_layout(False)  # measure the axes without their legend
    same = [a for a in fig.axes if a.get_position().bounds == ax.get_position().bounds]
    right = max(a.get_tightbbox(renderer).x1 for a in same)
    top = ax.get_window_extent(renderer).y1
    anchor = fig.transFigure.inverted().transform((right + 4, top))
    legend.set_loc("upper left")
    legend.set_bbox_to_anchor(tuple(anchor), transform=fig.transFigure)
    legend.set_in_layout(True)
    fig.draw_without_rendering()


def save(fig: Figure, pdf_path: str | os.PathLike, png_path: str | os.PathLike) -> None:
    """Write ``fig`` as vector PDF and as PNG at 200 dpi, each atomically, then close it.

    The PDF carries no creation date, so re-plotting an unchanged table
    reproduces the same bytes and does not look like a new result. The layout
    is solved once, for the PDF, and frozen: both files then share one geometry
    (and the PNG skips a second layout pass).
    """
    try:
        _add_heading(fig)
        clear_legends(fig)
        with rc_context(DETERMINISTIC_RC):
            with atomic_path(pdf_path) as tmp:
                fig.savefig(tmp, format="pdf", metadata={"CreationDate": None})
            fig.set_layout_engine("none")
            with atomic_path(png_path) as tmp:
                fig.savefig(tmp, format="png", dpi=PNG_DPI)
    finally:
        close(fig)


def close(fig: Figure) -> None:
    """Release ``fig``; a pyplot-managed figure (only possible if pyplot is loaded) is closed."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
    fig.clear()
