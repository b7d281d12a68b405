"""Multistep DPM-Solver++ (Lu et al. 2022) on the discrete VP schedule of a DDPM's β.

The discrete schedule: log α at solver times t_n = n/T (n = 1..T) is
½·cumsum(log(1 − β)), piecewise-linear in between; λ = log α − log σ. Time
steps are uniform in λ from τ = 1 to τ = 1/T. Data prediction x̂0 = (x − σε)/α;
order-k multistep updates (lower orders while warming up and, with
``lower_order_final``, at the end). The network's integer time comes from the
solver's τ through one of two maps (see :func:`net_time`). All in float64.
"""

from __future__ import annotations

import numpy as np
import torch

TIME_MAPS = ("reference", "exact")


class DiscreteVP:
    """α(τ), σ(τ), λ(τ) and τ(λ) of a DDPM's β (piecewise-linear log α in τ)."""

    def __init__(self, betas: np.ndarray) -> None:
        self.T = len(betas)
        self.t = np.linspace(0.0, 1.0, self.T + 1)[1:]
        self.log_alpha = 0.5 * np.cumsum(np.log1p(-np.asarray(betas, dtype=np.float64)))

    def log_alpha_at(self, tau: float) -> float:
        return float(np.interp(tau, self.t, self.log_alpha))

    def alpha_sigma(self, tau: float) -> tuple[float, float]:
        la = self.log_alpha_at(tau)
        return float(np.exp(la)), float(np.sqrt(-np.expm1(2 * la)))

    def lam(self, tau: float) -> float:
        la = self.log_alpha_at(tau)
        return la - 0.5 * float(np.log(-np.expm1(2 * la)))

    def tau_of_lambda(self, lam: float) -> float:
        la = -0.5 * np.logaddexp(0.0, -2.0 * lam)
        return float(np.interp(la, self.log_alpha[::-1], self.t[::-1]))


def net_time(tau: torch.Tensor | float, T: int, time_map: str) -> torch.Tensor:
    """The network's integer step 0..T−1 for solver time τ ∈ [1/T, 1].

    ``reference``: v = 1000(τ − 1/T); if every v ≤ 1, v ×= T − 1; clamp(round(v), 0, T−1)
    (the reference's wrapper, right for T = 1000 only). ``exact``: round(Tτ) − 1.
    """
    tau = torch.as_tensor(tau, dtype=torch.float64).reshape(-1)
    if time_map == "reference":
        v = 1000.0 * (tau - 1.0 / T)
        if bool((v <= 1).all()):
            v = v * (T - 1)
        return v.round().clamp(0, T - 1).long()
    if time_map == "exact":
        return ((T * tau).round() - 1).clamp(0, T - 1).long()
    raise ValueError(f"unknown time map {time_map!r} (expected one of {TIME_MAPS})")


def time_steps(vp: DiscreteVP, steps: int) -> list[float]:
    """τ_0 = 1 > … > τ_steps = 1/T, uniform in λ."""
    lams = np.linspace(vp.lam(1.0), vp.lam(1.0 / vp.T), steps + 1)
    taus = [vp.tau_of_lambda(lam) for lam in lams]
    taus[0], taus[-1] = 1.0, 1.0 / vp.T
    return taus


@torch.no_grad()
def sample(eps_fn, x_T: torch.Tensor, vp: DiscreteVP, steps: int, order: int,
           lower_order_final: bool = True) -> torch.Tensor:  # fmt: skip
    """x at τ = 1/T from x_T at τ = 1; ``eps_fn(x, tau)`` returns ε̂ (float64 in, any out)."""
    taus = time_steps(vp, steps)
    lams = [vp.lam(t) for t in taus]
    x = x_T.to(torch.float64)

    def data(x, i):
        alpha, sigma = vp.alpha_sigma(taus[i])
        return (x - sigma * eps_fn(x, taus[i]).to(torch.float64)) / alpha

    history = [data(x, 0)]
    for i in range(1, steps + 1):
        k = min(order, i, steps + 1 - i) if lower_order_final else min(order, i)
        x = _update(x, history, lams, taus, i, k, vp)
        if i < steps:
            history = [*history, data(x, i)][-order:]
    return x


def _update(x, history, lams, taus, i, k, vp):
    """One step to τ_i from τ_{i−1} with the last k data predictions."""
    alpha_t, sigma_t = vp.alpha_sigma(taus[i])
    _, sigma_s = vp.alpha_sigma(taus[i - 1])
    h = lams[i] - lams[i - 1]
    phi_1 = float(np.expm1(-h))
    m0 = history[-1]
    x_new = (sigma_t / sigma_s) * x - alpha_t * phi_1 * m0
    if k == 1:
        return x_new
    m1 = history[-2]
    r0 = (lams[i - 1] - lams[i - 2]) / h
    d1_0 = (m0 - m1) / r0
    if k == 2:
        return x_new - 0.5 * alpha_t * phi_1 * d1_0
    m2 = history[-3]
    r1 = (lams[i - 2] - lams[i - 3]) / h
    d1_1 = (m1 - m2) / r1
    d1 = d1_0 + r0 / (r0 + r1) * (d1_0 - d1_1)
    d2 = (d1_0 - d1_1) / (r0 + r1)
    phi_2 = phi_1 / h + 1.0
    phi_3 = phi_2 / h - 0.5
    return x_new + alpha_t * phi_2 * d1 - alpha_t * phi_3 * d2
