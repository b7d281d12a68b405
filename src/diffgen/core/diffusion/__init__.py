"""Diffusion processes: the Gaussian schedule on one-hot or continuous data, and
the uniform discrete (D3PM) process. Each exposes its forward noising and the
reverse-step posterior a sampler plugs a denoiser's estimate into."""
