"""Study 1, *Biased generalization in diffusion models* (Garnier-Brun et al., ICML 2026).

Controlled setting: hierarchical-grammar data, a transformer x0-denoiser,
exact belief propagation as the Bayes-optimal denoiser, and the paper's
measurements and figures. Job entry points are in :mod:`diffgen.biased.jobs`.
"""
