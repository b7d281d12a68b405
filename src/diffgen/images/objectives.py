"""What an image denoiser predicts: ε, x0 or v, for the DDPM of :mod:`diffgen.images.ddpm`.

With a = √ᾱ_k and s = √(1 − ᾱ_k), the noised image is x_k = a x0 + s ε and the
three targets are

* ε-prediction: the noise ε;
* x0-prediction: the clean image x0 (the denoiser's posterior mean when exact);
* v-prediction (Salimans & Ho 2022): v = a ε − s x0.

Any one of them and x_k give the others, since a² + s² = 1:
x0 = (x − s ε)/a, ε = (x − a x0)/s, x0 = a x − s v, ε = s x + a v. So an exact
predictor in one parametrisation converts to the exact one in each other, and
a network of any parametrisation is read as an ε-function (:func:`as_eps`)
by the sampler, the loss evaluator and the prediction comparisons.

Coefficients are taken from the float64 schedule and cast to the prediction's
dtype, so conversions in float64 are exact to rounding.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from diffgen.images.ddpm import EpsDDPM, EpsFunction

#: The parametrisations, by name as job specs give them.
PREDICTIONS = ("eps", "x0", "v")


def check(prediction: str) -> str:
    """``prediction`` if it is one of :data:`PREDICTIONS` (else a ValueError naming them)."""
    if prediction not in PREDICTIONS:
        raise ValueError(f"prediction {prediction!r} is not one of {', '.join(PREDICTIONS)}")
    return prediction


def coefficients(
    ddpm: EpsDDPM, k: torch.Tensor | int, like: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """(a, s) = (√ᾱ_k, √(1 − ᾱ_k)) shaped to broadcast against ``like`` (one k per row or one)."""
    abar = ddpm.alpha_bar(k).to(device=like.device)
    if abar.ndim == 1:
        abar = abar.view(-1, *([1] * (like.ndim - 1)))
    return abar.sqrt().to(like.dtype), (1.0 - abar).sqrt().to(like.dtype)


def target(
    prediction: str, x0: torch.Tensor, eps: torch.Tensor, ddpm: EpsDDPM, k: torch.Tensor | int
) -> torch.Tensor:
    """What a perfect ``prediction`` network outputs for x_k = a x0 + s ε."""
    if check(prediction) == "eps":
        return eps
    if prediction == "x0":
        return x0
    a, s = coefficients(ddpm, k, x0)
    return a * eps - s * x0


def split(
    prediction: str, output: torch.Tensor, x: torch.Tensor, ddpm: EpsDDPM, k: torch.Tensor | int
) -> tuple[torch.Tensor, torch.Tensor]:
    """(x0, ε) that a ``prediction`` network's ``output`` at x = x_k stands for."""
    check(prediction)
    a, s = coefficients(ddpm, k, output)
    if prediction == "eps":
        return (x - s * output) / a, output
    if prediction == "x0":
        return output, (x - a * output) / s
    return a * x - s * output, s * x + a * output


def convert(
    output: torch.Tensor,
    source: str,
    destination: str,
    x: torch.Tensor,
    ddpm: EpsDDPM,
    k: torch.Tensor | int,
) -> torch.Tensor:
    """A ``source`` network's ``output`` at x = x_k, as a ``destination`` network would give it."""
    check(destination)
    if source == destination:
        return output
    x0, eps = split(source, output, x, ddpm, k)
    return target(destination, x0, eps, ddpm, k)


def as_eps(network: EpsFunction, prediction: str, ddpm: EpsDDPM) -> EpsFunction:
    """An ε-function of a ``prediction`` network, for the ε-based sampler and evaluators."""
    if check(prediction) == "eps":
        return network

    def eps(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        output = network(x, k)
        return convert(output, prediction, "eps", x.to(output.dtype), ddpm, k)

    return eps


class PredictionObjective:
    """The DDPM training loss of one parametrisation: k ~ U{1..T−1} per image, mean (out − target)².

    k = 0 is never trained. With ``prediction="eps"`` this is the ε-prediction
    loss of Ho et al.; the draws (k, then ε) are the same for every parametrisation.
    """

    def __init__(self, ddpm: EpsDDPM, device: torch.device, prediction: str = "eps") -> None:
        self.prediction = check(prediction)
        self.T = ddpm.T
        self.abar = ddpm.schedule.alpha_bars.to(device=device, dtype=torch.float32)

    def __call__(
        self, model: nn.Module, x0: torch.Tensor, generator: torch.Generator
    ) -> torch.Tensor:
        size, device = x0.shape[0], x0.device
        k = torch.randint(1, self.T, (size,), generator=generator, device=device)
        eps = torch.randn(x0.shape, generator=generator, device=device)
        abar = self.abar[k].view(-1, *([1] * (x0.ndim - 1)))
        a, s = abar.sqrt(), (1.0 - abar).sqrt()
        x_k = a * x0 + s * eps
        if self.prediction == "eps":
            wanted = eps
        elif self.prediction == "x0":
            wanted = x0
        else:
            wanted = a * eps - s * x0
        return F.mse_loss(model(x_k, k).float(), wanted)


class EpsObjective(PredictionObjective):
    """ε-prediction (Ho et al.): the loss mean (ε̂ − ε)²."""

    def __init__(self, ddpm: EpsDDPM, device: torch.device) -> None:
        super().__init__(ddpm, device, "eps")
