"""Training of one U-Net from a job spec: what every image study's training job shares.

A study's job loads and selects its images, then calls :func:`train` with a
spec holding at least :data:`TRAINING`; checkpoints land at the spec's epochs
in the run directory (:func:`diffgen.images.checkpoints.run_outputs`, the names
the workflow's rule declares). The trainer lives here (not only in
:mod:`diffgen.images.training`) so that the resume identity covers the U-Net's
code too: a state saved by other network code never continues.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from diffgen.core import training
from diffgen.core.checks import checkpoints_rule
from diffgen.core.jobs import add_spec, add_training, check_checkpoints
from diffgen.core.progress import log
from diffgen.core.seeding import array_digest
from diffgen.core.specs import Count, Index, Positive, Spec
from diffgen.images.checkpoints import checkpoint_payload, run_outputs
from diffgen.images.models import (
    ARCHITECTURE,
    DIFFUSION,
    MODEL,
    ddpm_from,
    schedule_rule,
    unet_from,
)
from diffgen.images.objectives import PredictionObjective
from diffgen.images.training import ImageTrainer
from diffgen.images.unet import UNet, trainable_parameters

#: Spec pieces of a training run: seed, length, checkpoint epochs, network, diffusion, optimiser.
TRAINING = {
    "seed": Index, "epochs": Count, "checkpoints": [Count], "model": MODEL, **DIFFUSION,
    "batch_size": Count, "lr": Positive, "mixed_precision": bool,
}  # fmt: skip
#: The checks of a spec with :data:`TRAINING` (``Spec({..., **TRAINING}, *CHECKS)``).
CHECKS = (schedule_rule, checkpoints_rule("epochs", "epoch"))


class UNetTrainer(ImageTrainer):
    """A ``prediction`` U-Net (ε, x0 or v) on ``images``, Adam at a constant rate.

    The weights are initialised from torch's generator seeded with the spec's seed.
    """

    def __init__(
        self,
        spec: dict,
        images: torch.Tensor,
        options: training.RunOptions,
        *,
        prediction: str,
        name: str,
    ) -> None:
        config = unet_from(spec["model"])
        torch.manual_seed(spec["seed"])
        model = UNet(config)

        def payload(network, epoch: int) -> dict:
            return checkpoint_payload(network, ARCHITECTURE, config.to_dict(), epoch, spec)

        objective = PredictionObjective(ddpm_from(spec), options.device, prediction)
        super().__init__(
            model, objective, images,
            epochs=spec["epochs"], batch_size=spec["batch_size"], lr=spec["lr"],
            seed=spec["seed"], payload=payload, options=options,
            mixed_precision=spec["mixed_precision"], label=f"train {name}",
        )  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser, spec: Spec, data: str) -> None:
    """A training job's options: ``--data`` (described by ``data``), ``--spec``, run options."""
    parser.add_argument("--data", required=True, help=data)
    add_spec(parser, spec)
    add_training(parser, "epoch")


def train(
    spec: dict,
    images: torch.Tensor,
    run_dir: Path,
    options: training.RunOptions,
    *,
    prediction: str,
    name: str,
    identity: dict | None = None,
) -> UNetTrainer:
    """Train to ``spec['epochs']`` in ``run_dir``; the run's identity includes its images' digest.

    ``name`` says which run this is in the log (``split 3``); ``identity`` goes into
    every checkpoint (:mod:`diffgen.core.identity`).
    """
    check_checkpoints(spec["checkpoints"], spec["epochs"], "epoch")
    trainer = UNetTrainer(spec, images, options, prediction=prediction, name=name)
    log(
        f"training {name} (seed {spec['seed']}) on {options.device}: "
        f"{trainable_parameters(trainer.model):,} parameters, {images.shape[0]} images, "
        f"{spec['epochs']} epochs, batch {spec['batch_size']}"
    )
    run = {"spec": spec, "data": array_digest(images)}
    outputs, log_path = run_outputs(run_dir, spec["checkpoints"])
    work = run_dir / ".work"
    return training.train(trainer, run, outputs, log_path, work, options, identity)
