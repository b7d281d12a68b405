"""Measurement tables: checked reading and aggregation over seeds (mean ± s.e.).

Every per-model table a study writes is read back through :func:`read_tables`,
which checks that each file parses and holds the columns its reader needs, with
numbers where numbers belong. A corrupt or incomplete table is one line naming
the file and what is wrong; it is never aggregated into a figure silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import InputFileError

#: Column kinds a reader can require.
NUMBER, TEXT, BOOL = "number", "text", "bool"
_BOOLS = {"True": True, "False": False, "true": True, "false": False, True: True, False: False}


def read_table(path: str, columns: Mapping[str, str] | Iterable[str] = ()) -> pd.DataFrame:
    """One CSV table with the required ``columns`` (name -> NUMBER or TEXT; a list means NUMBER)."""
    columns = dict(columns) if isinstance(columns, Mapping) else dict.fromkeys(columns, NUMBER)
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise InputFileError(f"{path}: table does not exist") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a directory, not a table") from None
    except pd.errors.EmptyDataError:
        raise InputFileError(f"{path}: empty table") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, ValueError) as err:
        raise InputFileError(f"{path}: unreadable table ({type(err).__name__})") from None
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        raise InputFileError(f"{path}: table lacks column{'s' if len(missing) > 1 else ''} {names}")
    if frame.empty:
        raise InputFileError(f"{path}: table has no rows")
    for name, kind in columns.items():
        if kind == BOOL:
            values = frame[name].map(lambda v: _BOOLS.get(v))
            if values.isna().any():
                bad = frame[name][values.isna()].iloc[0]
                raise InputFileError(f"{path}: column '{name}' holds {bad!r}, not True/False")
            frame[name] = values.astype(bool)
            continue
        if kind != NUMBER:
            frame[name] = frame[name].astype(str)
            continue
        values = pd.to_numeric(frame[name], errors="coerce")
        bad = values.isna() & frame[name].notna()
        if bad.any():
            raise InputFileError(
                f"{path}: column '{name}' holds a non-numeric value "
                f"({frame[name][bad].iloc[0]!r} in row {int(np.flatnonzero(bad)[0]) + 1})"
            )
        frame[name] = values
    return frame


def read_tables(
    paths: Iterable[str], columns: Mapping[str, str] | Iterable[str] = ()
) -> pd.DataFrame:
    """Several tables of the same kind, concatenated (each checked by :func:`read_table`)."""
    columns = dict(columns) if isinstance(columns, Mapping) else dict.fromkeys(columns, NUMBER)
    frames = [read_table(path, columns) for path in paths]
    if not frames:
        raise InputFileError("no input tables given")
    return pd.concat(frames, ignore_index=True)


def _se(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else 0.0


def _sd(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.std(ddof=1)) if len(values) > 1 else 0.0


def mean_se(
    df: pd.DataFrame, by: list[str], value: str, prefix: str | None = None, spread: str = "se"
) -> pd.DataFrame:
    """Group, then the mean and spread of ``value`` over each group's rows, and the count.

    ``spread`` is ``se`` (standard error, ddof 1) or ``sd`` (standard deviation);
    the column is named ``<prefix>_se`` either way, its meaning stated by the caller.
    """
    prefix = prefix or value
    grouped = df.groupby(by, sort=True)[value]
    func = {"se": _se, "sd": _sd}[spread]
    out = grouped.agg(["mean", func, "count"]).reset_index()
    return out.rename(
        columns={
            "mean": f"{prefix}_mean",
            func.__name__: f"{prefix}_se",
            "count": f"{prefix}_count",
        }
    )


def common_positions(df: pd.DataFrame, model_cols: list[str], keys: list[str]) -> pd.DataFrame:
    """Keep the ``keys`` values (e.g. size and epoch) present for every model."""
    models = df[model_cols].drop_duplicates().shape[0]
    keep = df.groupby(keys)[model_cols].apply(lambda g: g.drop_duplicates().shape[0] == models)
    keep = keep[keep].reset_index()[keys]
    return df.merge(keep, on=keys)


def minimum_at(df: pd.DataFrame, value: str, model_cols: list[str], at: str = "epoch") -> int:
    """The ``at`` value (epoch, step) of the minimum of the model-averaged ``value``."""
    df = common_positions(df, model_cols, [at])
    if df.empty:
        raise InputFileError(f"no {at} is common to every model for {value}")
    means = df.groupby(at)[value].mean()
    if means.isna().all():
        raise InputFileError(f"every {value} is missing")
    return int(means.idxmin())
