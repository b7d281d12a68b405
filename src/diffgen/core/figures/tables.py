"""Checks and small look-ups on the tables the plotters read.

A plotter only ever reads a table; a table that lacks a column or holds text
where numbers belong fails here with one line naming the column, instead of
deep inside matplotlib.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from diffgen.core.errors import InputFileError


def checked(
    table: pd.DataFrame,
    figure: str,
    numeric: Sequence[str],
    labels: Sequence[str] = (),
) -> pd.DataFrame:
    """A copy of ``table`` with ``numeric`` columns as floats and ``labels`` as strings.

    Raises InputFileError naming the first missing or non-numeric column.
    """
    wanted = (*numeric, *labels)
    missing = [c for c in wanted if c not in table.columns]
    if len(missing) == len(wanted):
        raise InputFileError(f"not a {figure} table (none of its columns {', '.join(wanted)})")
    if missing:
        names = ", ".join(f"'{c}'" for c in missing)
        raise InputFileError(f"{figure} table lacks column {names}")
    if table.empty:
        raise InputFileError(f"{figure} table has no rows")
    out = table.copy()
    for column in numeric:
        try:
            out[column] = pd.to_numeric(out[column]).astype(float)
        except (TypeError, ValueError) as err:
            raise InputFileError(f"{figure} table column '{column}' is not numeric") from err
    for column in labels:
        out[column] = out[column].astype(str)
    return out


def sizes(table: pd.DataFrame) -> list[int]:
    """The training-set sizes in the table, smallest first."""
    return sorted(int(n) for n in table["n"].unique())


def ordered(values: Iterable[str], preferred: Sequence[str]) -> list[str]:
    """Distinct ``values``: the ``preferred`` ones in that order, then the rest sorted."""
    present = set(values)
    return [v for v in preferred if v in present] + sorted(present - set(preferred))


def single_epoch(rows: pd.DataFrame, figure: str, what: str) -> int:
    """The one checkpoint epoch ``rows`` belong to; several would mix curves silently."""
    epochs = sorted({int(e) for e in rows["epoch"]})
    if len(epochs) != 1:
        raise InputFileError(f"{figure} table holds epochs {epochs} for {what}; expected one")
    return epochs[0]


def argmin_epoch(epochs: np.ndarray, values: np.ndarray) -> int | None:
    """The epoch at which ``values`` is smallest (NaNs ignored), or None if all are NaN."""
    values = np.asarray(values, dtype=float)
    if not np.isfinite(values).any():
        return None
    return int(np.asarray(epochs)[np.nanargmin(np.where(np.isfinite(values), values, np.nan))])


def format_n(n: float) -> str:
    """A size as the paper writes it: 12,000."""
    return f"{int(n):,}"
