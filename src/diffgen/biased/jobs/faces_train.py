"""Train one face U-Net (split i, seed i), resuming from its work directory."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from diffgen.biased.faces.centring import centred
from diffgen.biased.faces.models import DIFFUSION, MODEL
from diffgen.biased.faces.training import train
from diffgen.core.device import runtime_device
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import add_runtime, add_spec, input_file
from diffgen.core.specs import Count, Index, Positive, Spec
from diffgen.core.training import RunOptions
from diffgen.images import dataset
from diffgen.images.checkpoints import TRAIN_LOG_NAME, checkpoint_name

SPEC = Spec(
    {
        "split": Index, "seed": Index, "n": Count, "epochs": Count, "checkpoints": [Count],
        "model": MODEL, **DIFFUSION, "batch_size": Count, "lr": Positive, "mixed_precision": bool,
    }
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="face dataset (HDF5)")
    add_spec(parser, SPEC)
    parser.add_argument(
        "--run-dir",
        required=True,
        help="output directory: epoch<E>.pt for every checkpoint of the spec, train_log.csv,"
        " and .work/ (resume state, staged outputs)",
    )
    parser.add_argument(
        "--compile",
        choices=("auto", "on", "off"),
        default=os.environ.get("DIFFGEN_COMPILE", "auto"),
        help="torch.compile: auto = CUDA only (default: $DIFFGEN_COMPILE or auto)",
    )
    parser.add_argument(
        "--resume-every-seconds",
        type=float,
        default=float(os.environ.get("DIFFGEN_RESUME_EVERY_SECONDS", "600")),
        help="seconds between resume states (default: $DIFFGEN_RESUME_EVERY_SECONDS or 600)",
    )
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    bad = sorted(set(spec["checkpoints"]) - set(range(1, spec["epochs"] + 1)))
    if bad:
        raise ConfigError(
            f"--spec key 'checkpoints': epoch {bad[0]} is outside 1..{spec['epochs']}"
        )
    data = input_file(args.data, "face dataset")
    device = runtime_device(args)
    compile_model = args.compile == "on" or (args.compile == "auto" and device.type == "cuda")
    faces = dataset.load(data, parts=("train",))
    images = centred(faces.split(spec["split"], spec["n"]), faces, data)
    options = RunOptions(
        device=device, resume_every_seconds=args.resume_every_seconds, compile=compile_model
    )
    run_dir = Path(args.run_dir)
    outputs = {epoch: run_dir / checkpoint_name(epoch) for epoch in spec["checkpoints"]}
    train(spec, images, outputs, run_dir / TRAIN_LOG_NAME, run_dir / ".work", options)
