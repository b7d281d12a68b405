"""The image core: what every image study builds on, study-agnostic like diffgen.core.

Image datasets in HDF5 (any (N, C, H, W)), image folders and their resizing,
the reference U-Net, ε-prediction DDPM training, sampling and loss evaluation
with the project's fix-noise construction, pixel-space nearest neighbours, and
the agreement of two models' predictions. Studies bring their own data
generators, networks and parameterisations and reuse the rest.
"""
