"""diffgen: memorization, generalization and bias in diffusion models.

The library behind the Snakemake workflow: data generation, exact denoisers,
training, sampling, measurements and figures. Rules call the ``diffgen`` CLI.
"""

__version__ = "0.1.0"
