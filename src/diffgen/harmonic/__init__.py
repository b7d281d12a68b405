"""Study 2: generalization from geometry-adaptive harmonic representations (bias-free denoisers)."""
