"""Study 5: diffusion on the Random Hierarchy Model, exact belief propagation as ground truth.

Favero et al. (ICML 2025), Sclocchi et al. (PNAS 2025; ICLR 2025): a discrete
diffusion model learns a hierarchical grammar level by level, and under
forward–backward noise the class flips abruptly while the leaves change
smoothly. Job entry points are in :mod:`diffgen.rhm.jobs`.
"""
