"""The lab audio VAE: a small Oobleck encoder/decoder (EAR_VAE's architecture) on 16 kHz speech.

    q(z | x) = N(mu(x), diag sigma(x)^2),  mu, sigma = split(encoder(x)), sigma = softplus(.)
    p(z)     = N(0, I)                       z: (D latent channels, T / hop frames)
    p(x | z) = N(decoder(z), obs_scale^2 I)  (the observation model the ELBO is computed under)

Trained with a multi-resolution STFT loss + waveform L1 + kl_weight * KL (``train_audio.py``);
the ELBO below reports the bound that the Gaussian observation model gives.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from genlab.core import LabModule
from genlab.families.vae.oobleck import OobleckDecoder, OobleckEncoder
from genlab.prob import gaussian_kl
from genlab.seeding import torch_generator


class AudioVAE(LabModule):
    density = "bound"
    sampling = "one-shot"

    def __init__(self, sample_rate: int = 16_000, io_channels: int = 1, channels: int = 16,
                 c_mults: list | tuple = (1, 2, 4, 8), strides: list | tuple = (2, 4, 4, 8),
                 latent_dim: int = 32, obs_scale: float = 0.1):
        super().__init__()
        if any(s % 2 for s in strides):
            raise ValueError("strides must be even: a transposed conv with odd stride s and padding "
                             "ceil(s/2) gives F*s - 1 samples, not F*s")
        self.sample_rate = int(sample_rate)
        self.io_channels = int(io_channels)
        self.latent_dim = int(latent_dim)
        self.hop = int(math.prod(strides))
        self.obs_scale = float(obs_scale)
        self.encoder = OobleckEncoder(io_channels, channels, 2 * latent_dim, list(c_mults), list(strides))
        self.decoder = OobleckDecoder(io_channels, channels, latent_dim, list(c_mults), list(strides))

    # ---- q(z|x) and p(x|z) -------------------------------------------------------------------
    def encode(self, x: torch.Tensor):
        """x (B, C, T) with T a multiple of ``hop`` -> mu, sigma, each (B, D, T / hop)."""
        if x.shape[-1] % self.hop:
            raise ValueError(f"x: length {x.shape[-1]} is not a multiple of the hop {self.hop}")
        mu, scale = self.encoder(x).chunk(2, dim=1)
        return mu, F.softplus(scale) + 1e-4

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """z (B, D, F) -> waveform (B, C, F * hop)."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None):
        """Reparameterised pass: returns (reconstruction, mu, sigma, z)."""
        mu, sigma = self.encode(x)
        eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)
        z = mu + sigma * eps
        return self.decode(z), mu, sigma, z

    # ---- the taxonomy's interface ------------------------------------------------------------
    @torch.no_grad()
    def sample(self, n: int, *, condition=None, seed: int | None = None, seconds: float = 1.0,
               **options) -> torch.Tensor:
        """Decode z ~ N(0, I): returns (n, C, frames * hop) waveforms, frames = seconds * sr / hop."""
        frames = max(1, round(seconds * self.sample_rate / self.hop))
        z = torch.randn((n, self.latent_dim, frames), generator=torch_generator(seed))
        return self.decode(z)

    @torch.no_grad()
    def elbo(self, x: torch.Tensor, *, condition=None, n_samples: int = 1,
             seed: int | None = 0) -> torch.Tensor:
        """ELBO(x) = E_q[log p(x|z)] - KL(q(z|x) || p(z)) in nats per clip, shape (B,)."""
        x = torch.as_tensor(x, dtype=torch.float32)
        mu, sigma = self.encode(x)
        gen = torch_generator(seed)
        log_lik = 0.0
        for _ in range(n_samples):
            z = mu + sigma * torch.randn(mu.shape, generator=gen)
            log_lik = log_lik + gaussian_log_likelihood(x, self.decode(z), self.obs_scale)
        return log_lik / n_samples - gaussian_kl(mu, sigma).sum(dim=(1, 2))


def gaussian_log_likelihood(x, mean, scale: float) -> torch.Tensor:
    """sum log N(x; mean, scale^2) over all but the batch dimension, shape (B,)."""
    d = x[0].numel()
    sq = (x - mean).pow(2).flatten(1).sum(1)
    return -0.5 * sq / scale**2 - d * (math.log(scale) + 0.5 * math.log(2 * math.pi))
