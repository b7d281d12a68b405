"""Whether a medium run meets the spec's acceptance check (prints each clause, exit 1 if not).

    python -m diffgen.harmonic.acceptance results/medium/harmonic

Median c_AB rises with N and is ≥ 0.9 at the largest N; median c_A ≥ 0.95 for N ≤ 10 and
below median c_AB at the largest N; V and the train-test PSNR gap fall with N; the C^α
slopes increase with α.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from diffgen.core.acceptance import verdict


def checks(root: Path) -> dict[str, bool]:
    var = pd.read_csv(root / "tables" / "var.csv")
    med = var[var["quantity"].isin(["c_AB", "c_A"])].groupby(["quantity", "N"])["value"].median()
    c_ab, c_a = med["c_AB"].sort_index(), med["c_A"].sort_index()
    v = var[var["quantity"] == "V"].groupby("N")["value"].mean().sort_index()
    fig2 = pd.read_csv(root / "tables" / "fig2.csv")
    gap = fig2.pivot_table(index="N", columns="set", values="psnr_out", aggfunc="mean")
    gap = (gap["train"] - gap["test"]).sort_index()
    calpha = pd.read_csv(root / "tables" / "calpha.csv")
    slopes = calpha[calpha["kind"] == "slope"].sort_values("alpha")["slope"].to_numpy()
    largest = c_ab.index.max()
    return {
        "median c_AB rises with N": bool(np.all(np.diff(c_ab.to_numpy()) > -0.02)),
        f"median c_AB >= 0.9 at N = {largest:g}": bool(c_ab[largest] >= 0.9),
        "median c_A >= 0.95 for N <= 10": bool((c_a[c_a.index <= 10] >= 0.95).all()),
        "median c_A < median c_AB at the largest N": bool(c_a[largest] < c_ab[largest]),
        "V falls with N": bool(v.iloc[-1] < v.iloc[0]),
        "train-test PSNR gap falls with N": bool(gap.iloc[-1] < gap.iloc[0]),
        "C^alpha slopes increase with alpha": bool(np.all(np.diff(slopes) > 0)),
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    results = checks(Path(argv[0] if argv else "results/medium/harmonic"))
    return verdict(results.items())


if __name__ == "__main__":
    sys.exit(main())
