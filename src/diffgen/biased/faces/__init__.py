"""Study 1, CelebA part (Fig 1(a), Fig 2, App. Fig 7): U-Nets on face images.

Fifteen ε-prediction U-Nets trained on disjoint splits of face images; their
samples from shared noise and their noise predictions on shared inputs are
compared across training against the test loss. Faces come from a user-given
``img_align_celeba`` folder or, offline, from the seeded synthetic-faces
generator. The image machinery is :mod:`diffgen.images`; this package holds
only what is specific to the faces: data, the measurements' orchestration,
tables and figures.
"""
