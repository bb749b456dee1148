"""The VAE family: the lab audio VAE (Oobleck), the digit VAE with a 2-D latent, the 2-D toy VAE, EAR_VAE."""
