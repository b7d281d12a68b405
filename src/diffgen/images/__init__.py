"""The image core: what every image study builds on, study-agnostic like diffgen.core.

Image datasets in HDF5 (any (N, C, H, W)), image folders and their resizing,
the reference U-Net built and loaded from job specs, ε-, x0- and v-prediction
objectives and DDPM training, sampling into sample banks and loss evaluation
with the project's fix-noise construction, pixel-space nearest neighbours, and
the agreement of two models' predictions. Studies bring their own data and
measurements and reuse the rest; docs/images_core.md says what lives where.
"""
