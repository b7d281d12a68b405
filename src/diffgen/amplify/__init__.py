"""Study 4: bias amplification by the sampler (colour-biased digits, ρ versus ρ_model)."""
