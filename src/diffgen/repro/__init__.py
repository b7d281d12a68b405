"""Study 3: reproducibility and memorization across models; low-rank optimal denoisers."""
