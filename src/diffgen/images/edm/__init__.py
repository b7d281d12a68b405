"""The EDM-style continuous-σ core (Karras et al. 2022), study-agnostic.

A denoiser is any callable ``denoiser(x, sigma, labels=None)`` returning an
estimate of E[x0 | x0 + σε] with the shape of ``x``; ``sigma`` is a (B,) tensor
(or a scalar). Trained networks (wrapped by :class:`precond.Preconditioned`),
the exact empirical optimal denoiser and closed-form Gaussian denoisers all
have this interface, so the samplers, losses and measurements treat them alike.

One concept per module: :mod:`precond` (EDM and VP preconditioning),
:mod:`loss` (their training losses), :mod:`sampler` (the EDM time steps, Heun
and Euler, stochastic churn), :mod:`ema` (weight averaging), :mod:`songunet`
(the DDPM++ network) and :mod:`training` (a step-based trainer on the shared
resumable loop).
"""
