"""Pieces of study 5's job specs that several job kinds share (typed, see core.specs)."""

from __future__ import annotations

from diffgen.core.specs import Count, Index, Positive

GRAMMAR = {"v": Count, "n": Count, "m": Count, "s": Count, "L": Count}
DIFFUSION = {"T": Count, "beta1": Positive, "beta2": Positive}
NETWORK = {"v": Count, "s": Count, "d": Count, "width": Count, "depth": Count, "T": Count}
#: One trained model: grammar name, training-set size, seed.
RUN = {"grammar": str, "P": Count, "seed": Index}
