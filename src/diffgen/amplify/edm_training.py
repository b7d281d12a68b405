"""Training of the study's EDM networks on the shared resumable loop.

EDM loss (ln σ ~ N(−1.2, 1.2²), λ(σ) = (σ² + σ_d²)/(σσ_d)²), Adam (.9, .999,
1e-8), a cosine learning rate per iteration to 0, no warm-up or clipping; EMA
with half-life min(halflife, 0.05·images seen), β = 0.5^(batch/h). Checkpoints
hold the EMA weights (sampling uses the last). Batches are drawn with
replacement from one seeded generator; label dropout draws from the global
RNG, which the resume state carries, so resuming is bit-exact.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch

from diffgen.amplify.models import build_edm, one_hot
from diffgen.core import training
from diffgen.images.edm.ema import EMA
from diffgen.images.edm.loss import EDMLoss

EMA_RAMPUP = 0.05
CHECKPOINT_FORMAT = "diffgen.amplify_edm"


@dataclass
class EDMSpec:
    model: dict
    num_classes: int
    steps: int
    batch_size: int
    lr: float
    ema_halflife_kimg: float
    seed: int

    def to_dict(self) -> dict:
        return asdict(self)


class EDMTrainer(training.Trainer):
    """One optimiser step per :meth:`advance`; ``images`` in [−1, 1], ``positions`` 0..K−1."""

    unit = "steps"

    def __init__(self, spec: EDMSpec, images: torch.Tensor, positions: torch.Tensor,
                 device) -> None:  # fmt: skip
        super().__init__(spec.steps, "train edm", device)
        self.spec = spec
        self.images = images.to(device)
        self.labels = one_hot(positions, spec.num_classes).to(device)
        torch.manual_seed(spec.seed)
        self.model = build_edm(spec.model, spec.num_classes, spec.seed).to(device)
        self.ema = EMA(self.model, halflife_images=spec.ema_halflife_kimg * 1000,
                       rampup_ratio=EMA_RAMPUP)  # fmt: skip
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=spec.lr,
                                          betas=(0.9, 0.999), eps=1e-8)  # fmt: skip
        self.rng = torch.Generator(device=device)
        self.rng.manual_seed(spec.seed)
        self.generators = {"data": self.rng}
        self.loss = EDMLoss()

    def advance(self) -> dict | None:
        spec = self.spec
        lr = spec.lr * 0.5 * (1 + math.cos(math.pi * self.position / spec.steps))
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        rows = torch.randint(0, len(self.images), (spec.batch_size,), generator=self.rng,
                             device=self.device)  # fmt: skip
        self.model.train()
        loss = self.loss(self.model, self.images[rows], self.rng, labels=self.labels[rows])
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.ema.update(self.model, spec.batch_size, self.position * spec.batch_size)
        self.position += 1
        row = {"step": self.position, "train_loss": float(loss.detach()), "lr": lr}
        self.rows.append(row)
        return row

    def checkpoint(self) -> dict:
        return {"format": CHECKPOINT_FORMAT, "spec": self.spec.to_dict(), "step": self.position,
                "ema": self.ema.state_dict()}  # fmt: skip

    def extra_state(self) -> dict:
        return {"ema": self.ema.state_dict()}

    def restore_extra(self, state: dict) -> None:
        self.ema.load_state_dict(state["ema"])


def load_ema(payload: dict) -> torch.nn.Module:
    """The EMA denoiser of a checkpoint payload (eval mode)."""
    spec = payload["spec"]
    net = build_edm(spec["model"], spec["num_classes"], spec["seed"])
    net.load_state_dict(payload["ema"])
    return net.eval()
