"""Table builders of study `amplify`: measurement tables in, one table per figure out."""

from __future__ import annotations

import pandas as pd

from diffgen.core.tables import NUMBER, read_tables

#: The columns each kind of measurement table holds (checked while the DAG is planned).
COLUMNS = {"moments": {"N": NUMBER, "squared_error": NUMBER, "expected": NUMBER}}


def toy(inputs: dict[str, list[str]], options: dict) -> pd.DataFrame:
    """The squared error of the empirical mean per N, beside its expectation dim/N."""
    table = read_tables(inputs["moments"], COLUMNS["moments"])
    return table.sort_values("N").reset_index(drop=True)
