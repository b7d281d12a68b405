"""Does a medium run show the spec's claims? ``python -m diffgen.repro.acceptance TABLES``.

GL rises with N for every width, later for wider nets; RP of width pairs is U-shaped
in N (its minimum strictly inside the range); RP against D_N falls with N. Prints one
line per check and exits 1 when one fails.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pandas as pd

from diffgen.core.acceptance import verdict


def checks(tables: Path) -> list[tuple[str, bool]]:
    fig2 = pd.read_csv(tables / "fig2.csv")
    fig4 = pd.read_csv(tables / "fig4.csv")
    out = []
    gl = fig2[fig2["panel"] == "gl"]
    onsets = {}
    for series, rows in gl.groupby("series"):
        values = rows.sort_values("N")["value"].to_numpy()
        out.append((f"GL of {series} rises with N", values[-1] - values[0] > 0.5))
        above = rows[rows["value"] > 0.5]["N"]
        onsets[int(series[1:])] = above.min() if len(above) else float("inf")
    widths = sorted(onsets)
    later = all(onsets[a] <= onsets[b] for a, b in itertools.pairwise(widths))
    out.append(("GL rises later for wider nets", later))
    for series, rows in fig2[fig2["panel"] == "rp"].groupby("series"):
        values = rows.sort_values("N")["value"].to_numpy()
        low = values.argmin()
        u_shape = 0 < low < len(values) - 1 and values[low] < min(values[0], values[-1]) - 0.1
        out.append((f"RP {series} is U-shaped in N", bool(u_shape)))
    for series, rows in fig4.groupby("series"):
        values = rows.sort_values("N")["value"].to_numpy()
        out.append((f"RP({series}, D_N) falls with N", values[-1] < values[0] - 0.2))
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    results = checks(Path(argv[0] if argv else "results/medium/repro/tables"))
    return verdict(results)


if __name__ == "__main__":
    sys.exit(main())
