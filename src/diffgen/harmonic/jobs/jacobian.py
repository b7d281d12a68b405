"""Jacobian eigen-analysis of one model at noisy test images: spectra, d(y), oracle, e_k."""

from __future__ import annotations

import argparse

import torch

from diffgen.core.device import runtime_device
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.specs import Count, Index, Positive, Spec
from diffgen.harmonic import datasets, generators, measures
from diffgen.harmonic.evaluate import test_noise
from diffgen.harmonic.jobspecs import RUN, expect_data, expect_model, pixels, run_columns
from diffgen.harmonic.training import load_model

SPEC = Spec(
    {
        "run": RUN,
        "sigmas": [Positive],
        "images": Count,
        "basis_k": [Count],
        "seed": Index,
        "chunk": Count,
    }
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True)
    parser.add_argument("--test", required=True, help="test set (HDF5)")
    add_spec(parser, SPEC)
    for name in ("spectrum", "summary", "basis"):
        parser.add_argument(f"--{name}", required=True, help=f"{name} table (CSV)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    expect_model(input_file(args.model, "model"), spec["run"], spec["run"].get("split", "A"))
    expect_data(input_file(args.test, "test set"), spec["run"], "test")
    model = load_model(args.model, device)[0]
    disc = spec["run"]["dataset"] == "disc"
    loaded = datasets.load(args.test, with_theta=disc)
    x = torch.from_numpy(loaded[0][: spec["images"]])
    L = x.shape[-1]
    base = run_columns(spec["run"])
    spectra, summary, basis = [], [], []

    def residual(v):
        return model(v.to(device))

    for i, sigma in enumerate(spec["sigmas"]):
        y = x + sigma * test_noise(spec["seed"], i, tuple(x.shape))
        for n in range(len(x)):
            J = measures.jacobian(residual, y[n].to(device), spec["chunk"])
            values, vectors, asym = measures.spectrum(J)
            clean = x[n].flatten().double()
            coeffs = vectors.T @ clean
            oracle = measures.oracle(coeffs, sigma)
            with torch.no_grad():
                denoised = (y[n : n + 1] - model(y[n : n + 1].to(device)).cpu())[0]
            row = {
                **base,
                "image": n,
                "sigma": sigma,
                "d": float(torch.trace(J)),
                "asym": asym,
                "mse": float(((denoised.double().flatten() - clean) ** 2).sum()),
                "oracle_mse": measures.shrinkage_mse(oracle, coeffs, sigma),
                "model_basis_mse": measures.shrinkage_mse(values, coeffs, sigma),
            }
            if disc:
                P = generators.tangent_projector(torch.from_numpy(loaded[2][n]), L)
                noise = y[n].flatten().double() - clean
                row["optimum_mse"] = float((P @ noise).pow(2).sum())
                row["optimum_d"] = float(torch.trace(P))
            summary.append(row)
            spectra += [
                {
                    **base,
                    "image": n,
                    "sigma": sigma,
                    "k": k + 1,
                    "lam": float(lam),
                    "c": float(c),
                    "oracle": float(o),
                }
                for k, (lam, c, o) in enumerate(zip(values, coeffs, oracle, strict=True))
            ]
            if n == 0:
                panels = {"clean": x[n], "noisy": y[n], "denoised": denoised}
                panels |= {f"e_{k}": vectors[:, k - 1] for k in spec["basis_k"] if k <= L * L}
                basis += [
                    {**base, "sigma": sigma, "panel": p, "pixels": pixels(v)}
                    for p, v in panels.items()
                ]
    write_table(spectra, args.spectrum)
    write_table(summary, args.summary)
    write_table(basis, args.basis)
