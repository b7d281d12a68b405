"""Study 3's figure tables, built from the score and Jacobian tables.

Each builder takes its input tables by kind and the figure's config section and
returns a long table; every value a figure draws is a row. Model names are
parsed with :mod:`diffgen.repro.models`: Fig 2 and Fig 4 compare the seed-0
EDM nets of each width, Fig 6 every model scored at its N.
"""

from __future__ import annotations

import pandas as pd

from diffgen.core.errors import InputFileError
from diffgen.core.tables import NUMBER, TEXT, read_tables
from diffgen.repro import models

COLUMNS = {
    "score": {"dataset": TEXT, "N": NUMBER, "quantity": TEXT, "a": TEXT, "b": TEXT,
              "value": NUMBER},
    "jacobian": {"dataset": TEXT, "N": NUMBER, "model": TEXT, "sigma": NUMBER, "snr": NUMBER,
                 "draw": NUMBER, "rank": NUMBER},
}  # fmt: skip


def _width(name: str) -> int | None:
    """The width of a seed-0 EDM net, else None."""
    parts = models.parse(name)
    if parts is None or parts["seed"] != 0 or parts["precond"] != "edm":
        return None
    return parts["width"]


def _widths(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].map(lambda n: None if n in ("-", *models.OPTIMAL) else _width(n))


def fig2(inputs: dict[str, list[str]], options: dict) -> pd.DataFrame:
    """RP of every width pair and GL per width against N."""
    scores = read_tables(inputs["sizes"], COLUMNS["score"])
    widths = set(options["widths"])
    rows = []
    rp = scores[scores["quantity"] == "rp"].assign(wa=lambda f: _widths(f, "a"),
                                                   wb=lambda f: _widths(f, "b"))  # fmt: skip
    for _, r in rp.dropna(subset=["wa", "wb"]).iterrows():
        lo, hi = sorted((int(r["wa"]), int(r["wb"])))
        if {lo, hi} <= widths:
            rows.append({"panel": "rp", "series": f"{lo}v{hi}", "N": r["N"], "value": r["value"]})
    gl = scores[scores["quantity"] == "gl"].assign(wa=lambda f: _widths(f, "a"))
    for _, r in gl.dropna(subset=["wa"]).iterrows():
        if int(r["wa"]) in widths:
            rows.append({"panel": "gl", "series": f"C{int(r['wa'])}", "N": r["N"],
                         "value": r["value"]})  # fmt: skip
    if not rows:
        raise InputFileError("fig2: the score tables hold no seed-0 EDM nets of its widths")
    return pd.DataFrame(rows).sort_values(["panel", "series", "N"], kind="stable")


def fig4(inputs: dict[str, list[str]], options: dict) -> pd.DataFrame:
    """RP(net of width C, D_N of its training set) against N."""
    scores = read_tables(inputs["sizes"], COLUMNS["score"])
    rp = scores[(scores["quantity"] == "rp") & ((scores["a"] == "dn") | (scores["b"] == "dn"))]
    rows = []
    for _, r in rp.iterrows():
        other = r["b"] if r["a"] == "dn" else r["a"]
        width = None if other in models.OPTIMAL else _width(other)
        if width in set(options["widths"]):
            rows.append({"series": f"C{width}", "N": r["N"], "value": r["value"]})
    if not rows:
        raise InputFileError("fig4: the score tables hold no RP against D_N")
    return pd.DataFrame(rows).sort_values(["series", "N"], kind="stable")


def fig6(inputs: dict[str, list[str]], options: dict) -> pd.DataFrame:
    """The symmetric RP matrix of every model scored at the figure's N (diagonal 1)."""
    scores = read_tables(inputs["families"], COLUMNS["score"])
    rp = scores[(scores["quantity"] == "rp") & (scores["N"] == options["N"])]
    if rp.empty:
        raise InputFileError(f"fig6: the score tables hold no RP at N = {options['N']}")
    names = list(dict.fromkeys([*rp["a"], *rp["b"]]))
    rows = [{"a": n, "b": n, "value": 1.0} for n in names]
    for _, r in rp.iterrows():
        rows += [{"a": r["a"], "b": r["b"], "value": r["value"]},
                 {"a": r["b"], "b": r["a"], "value": r["value"]}]  # fmt: skip
    return pd.DataFrame(rows).assign(N=options["N"])


def jac(inputs: dict[str, list[str]], options: dict) -> pd.DataFrame:
    """Every draw's rank/n against σ; panel (a) real data, (b) MoLRG."""
    frame = read_tables(inputs["jacobian"], COLUMNS["jacobian"])
    frame = frame.assign(panel=frame["dataset"].map(lambda d: "b" if d == "molrg" else "a"))
    return frame.sort_values(["panel", "model", "sigma", "draw"], kind="stable")
