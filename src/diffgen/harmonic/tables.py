"""Study 2's figure tables, built from the per-run measurement tables.

Each builder takes its inputs by kind and the figure's config section and returns
one long table whose ``kind`` column says what a row is (a curve point, a
distribution value, an image given as pixels), so every mark a figure draws is in
its table.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from diffgen.core.errors import InputFileError
from diffgen.core.tables import BOOL, NUMBER, TEXT, read_tables
from diffgen.harmonic.measures import disc_optimum_psnr, optimal_slope, slope

RUN = {"dataset": TEXT, "alpha": NUMBER, "N": NUMBER, "main": BOOL}
COLUMNS = {
    "pair": {**RUN, "quantity": TEXT, "seed": NUMBER, "sigma": NUMBER, "value": NUMBER},
    "pair_images": {**RUN, "seed": NUMBER, "panel": TEXT, "pixels": TEXT},
    "psnr": {**RUN, "set": TEXT, "s": NUMBER, "psnr_in": NUMBER, "psnr_out": NUMBER},
    "spectrum": {
        **RUN,
        "image": NUMBER,
        "sigma": NUMBER,
        "k": NUMBER,
        "lam": NUMBER,
        "c": NUMBER,
        "oracle": NUMBER,
    },
    "summary": {
        **RUN,
        "image": NUMBER,
        "sigma": NUMBER,
        "d": NUMBER,
        "mse": NUMBER,
        "oracle_mse": NUMBER,
    },
    "basis": {**RUN, "sigma": NUMBER, "panel": TEXT, "pixels": TEXT},
}


def read(inputs: dict[str, list[str]], kind: str) -> pd.DataFrame:
    return read_tables(inputs.get(kind, []), COLUMNS[kind])


def _largest_main(frame: pd.DataFrame) -> pd.DataFrame:
    main = frame[frame["main"]]
    if main.empty:
        raise InputFileError("no measurement of the main dataset in the input tables")
    return main[main["N"] == main["N"].max()]


def _largest_per_dataset(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["N"] == frame.groupby("dataset")["N"].transform("max")]


def _at_sigma(frame: pd.DataFrame, sigma: float) -> pd.DataFrame:
    rows = frame[np.isclose(frame["sigma"], sigma)]
    if rows.empty:
        raise InputFileError(f"no Jacobian measured at sigma = {sigma}")
    return rows


def _mean_spectrum(spectrum: pd.DataFrame) -> pd.DataFrame:
    keys = ["dataset", "alpha", "N", "sigma", "k"]
    return spectrum.groupby(keys, as_index=False)[["lam", "c", "oracle"]].mean()


def fig1(inputs, options):
    images = read(inputs, "pair_images")
    return images[images["main"]].assign(kind="image")


def fig2(inputs, options):
    psnr = read(inputs, "psnr")
    return psnr[psnr["main"]].assign(kind="psnr")


def var(inputs, options):
    pair = read(inputs, "pair")
    return pair[pair["main"]].assign(kind="pair")


def fig3(inputs, options):
    sigma = options.get("sigma", 0.15)
    spectrum = _at_sigma(_largest_main(read(inputs, "spectrum")), sigma)
    spectrum = spectrum[spectrum["image"] == 0].assign(kind="spectrum")
    basis = _at_sigma(_largest_main(read(inputs, "basis")), sigma).assign(kind="image")
    return pd.concat([spectrum, basis], ignore_index=True)


def sigma(inputs, options):
    spectrum = _mean_spectrum(_largest_main(read(inputs, "spectrum"))).assign(kind="spectrum")
    summary = _largest_main(read(inputs, "summary")).assign(kind="summary")
    return pd.concat([spectrum, summary], ignore_index=True)


def calpha(inputs, options):
    psnr = read(inputs, "psnr")
    psnr = _largest_per_dataset(psnr[psnr["dataset"].str.startswith("calpha")])
    psnr = psnr[psnr["set"] == "test"].assign(kind="psnr")
    rows = []
    low, high = options.get("s_min", 5), options.get("s_max", 100)
    for alpha, group in psnr.groupby("alpha"):
        fit = group[(group["s"] >= low) & (group["s"] <= high)]
        value = slope(fit["psnr_in"], fit["psnr_out"]) if len(fit) >= 2 else math.nan
        rows.append(
            {"kind": "slope", "alpha": alpha, "slope": value, "optimum": optimal_slope(alpha)}
        )
    basis = read(inputs, "basis")
    basis = basis[basis["dataset"].str.startswith("calpha") & ~basis["main"]]
    if basis.empty:
        basis = read(inputs, "basis")
        basis = basis[basis["dataset"].str.startswith("calpha")]
    first = basis[basis["alpha"] == basis["alpha"].min()]
    first = first[first["sigma"] == first["sigma"].min()].assign(kind="image")
    return pd.concat([psnr, pd.DataFrame(rows), first], ignore_index=True)


def disc(inputs, options):
    spectrum = read(inputs, "spectrum")
    spectrum = _mean_spectrum(spectrum[spectrum["dataset"] == "disc"]).assign(kind="spectrum")
    summary = read(inputs, "summary")
    summary = summary[summary["dataset"] == "disc"].assign(kind="summary")
    psnr = read(inputs, "psnr")
    psnr = psnr[(psnr["dataset"] == "disc") & (psnr["set"] == "test")].assign(kind="psnr")
    if spectrum.empty or psnr.empty:
        raise InputFileError("no disc measurement in the input tables")
    D = int(spectrum["k"].max())
    psnr["psnr_optimum"] = disc_optimum_psnr(psnr["psnr_in"].to_numpy(), D)
    basis = read(inputs, "basis")
    basis = basis[basis["dataset"] == "disc"]
    basis = basis[basis["sigma"] == basis["sigma"].min()].assign(kind="image")
    return pd.concat([spectrum, summary, psnr, basis], ignore_index=True)
