"""Does a medium run show the spec's claims? ``python -m diffgen.amplify.acceptance TABLES``.

At every ρ of fig 1, the slow stochastic sampler (most steps, most churn) gives a higher
ρ_model than the fast deterministic one (fewest steps, no churn), with disjoint
Clopper–Pearson intervals; every fig 5 curve (one per T) is non-decreasing in the guidance
weight w within its intervals. Prints one line per check and exits 1 when one fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from diffgen.core.acceptance import verdict

#: What the checks read of each table.
COLUMNS = {
    "fig1.csv": ("rho", "steps", "s_churn", "rho_model", "ci_low", "ci_high"),
    "fig5.csv": ("T", "w", "ci_low", "ci_high"),
}


def _sampler_checks(fig1: pd.DataFrame) -> list[tuple[str, bool]]:
    out = []
    fast_steps, slow_steps = fig1["steps"].min(), fig1["steps"].max()
    fast_churn, slow_churn = fig1["s_churn"].min(), fig1["s_churn"].max()
    for rho, rows in fig1.groupby("rho"):
        fast = rows[(rows["steps"] == fast_steps) & (rows["s_churn"] == fast_churn)]
        slow = rows[(rows["steps"] == slow_steps) & (rows["s_churn"] == slow_churn)]
        name = (
            f"rho={rho:g}: rho_model(N={slow_steps}, S_churn={slow_churn:g}) above "
            f"rho_model(N={fast_steps}, S_churn={fast_churn:g}), disjoint intervals"
        )
        if len(fast) != 1 or len(slow) != 1:
            out.append((f"{name} (rows missing)", False))
            continue
        fast, slow = fast.iloc[0], slow.iloc[0]
        above = slow["rho_model"] > fast["rho_model"] and slow["ci_low"] > fast["ci_high"]
        out.append((name, bool(above)))
    return out


def _guidance_checks(fig5: pd.DataFrame) -> list[tuple[str, bool]]:
    out = []
    for T, rows in fig5.groupby("T"):
        rows = rows.sort_values("w")
        low, high = rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy()
        # Non-decreasing within the intervals: no later point lies wholly below an earlier one.
        rising = all(high[j] >= low[i] for i in range(len(rows)) for j in range(i + 1, len(rows)))
        out.append((f"fig5 T={T}: rho_model non-decreasing in w within its intervals", rising))
    return out


def checks(tables: Path) -> list[tuple[str, bool]]:
    """The medium-run claims, each with whether the tables in ``tables`` show it."""
    fig1 = pd.read_csv(tables / "fig1.csv")
    fig5 = pd.read_csv(tables / "fig5.csv")
    return _sampler_checks(fig1) + _guidance_checks(fig5)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    tables = Path(argv[0] if argv else "results/medium/amplify/tables")
    for name, columns in COLUMNS.items():
        path = tables / name
        if not path.is_file():
            print(f"diffgen: {path}: no such table (run the medium preset first)")
            return 2
        lacking = sorted(set(columns) - set(pd.read_csv(path, nrows=0).columns))
        if lacking:
            print(f"diffgen: {path}: lacks columns {', '.join(lacking)}")
            return 2
    return verdict(checks(tables))


if __name__ == "__main__":
    sys.exit(main())
