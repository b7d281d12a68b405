"""Sample one denoiser (a trained net, D_N or D*) from the shared latents with the EDM sampler."""

from __future__ import annotations

import argparse

import torch

from diffgen.core import hdf5, identity
from diffgen.core.device import runtime_device
from diffgen.core.jobs import add_runtime, add_spec, input_file
from diffgen.core.specs import Choice, Count, Spec
from diffgen.images.edm.sampler import SamplerSettings, sample
from diffgen.repro.jobspecs import SAMPLER
from diffgen.repro.loading import expect_source, load_denoiser

SPEC = Spec({"denoiser": Choice("net", "dn", "dstar"), "sampler": SAMPLER, "batch_size": Count,
             "model": str, "N": Count})  # fmt: skip
KIND = "repro_samples"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--latents", required=True, help="shared latents (HDF5)")
    parser.add_argument("--source", required=True,
                        help="checkpoint (net) or training set (dn, dstar)")  # fmt: skip
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output samples (HDF5)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    identity.expect(input_file(args.latents, "latents"), "repro", "latents", required=False)
    arrays, _ = hdf5.read(args.latents, "repro_latents", ["z"])
    expect_source(args.source, spec)
    denoiser = load_denoiser(spec["denoiser"], input_file(args.source, "denoiser source"), device)
    settings = SamplerSettings(**spec["sampler"])
    z = torch.from_numpy(arrays["z"])
    x = sample(denoiser, z, settings, batch_size=spec["batch_size"], device=device)
    record = identity.record("repro", "sample", spec)
    hdf5.write(args.out, KIND, {"x": x.to(torch.float32).numpy()}, {"spec": spec}, identity=record)
