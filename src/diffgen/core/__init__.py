"""The study-agnostic core: I/O, errors, progress, seeding, diffusion processes,
the resumable training loop, generic metrics, figure style and table aggregation.

Nothing here knows about a particular study; every study subpackage builds on it.
"""
