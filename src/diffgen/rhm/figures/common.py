"""What study 5's plotters share: grammar labels and the level colour scale."""

from __future__ import annotations

from matplotlib import colormaps

from diffgen.core.errors import InputFileError
from diffgen.rhm.rules import Shape


def grammar_shape(name: str, figure: str) -> Shape:
    try:
        return Shape.from_name(name)
    except ValueError as err:
        raise InputFileError(f"{figure} table: {err}") from None


def grammar_label(sh: Shape) -> str:
    """'(v, m, L) = (8, 3, 3)', with n and s when they are not the defaults."""
    extra = "" if sh.n == sh.v else f", n = {sh.n}"
    extra += "" if sh.s == 2 else f", s = {sh.s}"
    return f"(v, m, L) = ({sh.v}, {sh.m}, {sh.L}){extra}"


def level_color(level: int, levels: int) -> tuple[float, ...]:
    """Colour of tree level ``level`` of 0..levels: the class darkest, the leaves lightest."""
    return tuple(colormaps["viridis"](0.82 * level / max(levels, 1)))
