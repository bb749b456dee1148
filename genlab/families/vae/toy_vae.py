"""A VAE on 2-D toy data for the taxonomy tab: the ELBO bound and an importance-weighted estimate.

    p(z) = N(0, I_2),   p(x | z) = N(f(z), diag s(z)^2),   q(z | x) = N(m(x), diag v(x)^2)

    ELBO(x)   = E_q[log p(x|z)] - KL(q || p)                                  <= log p(x)
    IWAE_K(x) = E[log (1/K) sum_k p(x, z_k) / q(z_k | x)],  z_k ~ q(z|x)       ELBO = IWAE_1 <= IWAE_K <= log p(x)

(Burda, Grosse, Salakhutdinov 2016: IWAE_K increases with K and tends to log p(x).)
With ``linear=True`` encoder and decoder are affine and the decoder scale is a constant, a
linear-Gaussian model whose log p(x) = log N(x; b, W W^T + s^2 I) is known in closed form:
the tests check ELBO <= IWAE <= log p(x) against it.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from genlab.core import LabModule
from genlab.seeding import torch_generator

LOG_2PI = math.log(2 * math.pi)


def _mlp(d_in, hidden, d_out):
    return nn.Sequential(nn.Linear(d_in, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(),
                         nn.Linear(hidden, d_out))


def diag_gaussian_log_prob(x, mean, log_std):
    """sum_d log N(x_d; mean_d, exp(log_std_d)^2), over the last dimension."""
    return (-0.5 * ((x - mean) / log_std.exp()).pow(2) - log_std - 0.5 * LOG_2PI).sum(-1)


class ToyVAE(LabModule):
    density = "bound"
    sampling = "one-shot"

    def __init__(self, data_dim: int = 2, latent_dim: int = 2, hidden: int = 64, linear: bool = False):
        super().__init__()
        self.data_dim, self.latent_dim, self.linear = data_dim, latent_dim, linear
        if linear:
            self.encoder = nn.Linear(data_dim, latent_dim)               # m(x) = A x + c
            self.enc_log_std = nn.Parameter(torch.zeros(latent_dim))     # v: constant
            self.decoder = nn.Linear(latent_dim, data_dim)               # f(z) = W z + b
            self.dec_log_std = nn.Parameter(torch.zeros(data_dim))       # s: constant
        else:
            self.encoder = _mlp(data_dim, hidden, 2 * latent_dim)
            self.decoder = _mlp(latent_dim, hidden, 2 * data_dim)

    # q(z|x) and p(x|z) as (mean, log std)
    def q(self, x):
        if self.linear:
            m = self.encoder(x)
            return m, self.enc_log_std.expand_as(m)
        m, log_std = self.encoder(x).chunk(2, dim=-1)
        return m, log_std.clamp(-7, 3)

    def p_x(self, z):
        if self.linear:
            f = self.decoder(z)
            return f, self.dec_log_std.expand_as(f)
        f, log_std = self.decoder(z).chunk(2, dim=-1)
        return f, log_std.clamp(-5, 3)

    def _log_weights(self, x, k: int, generator=None):
        """log p(x, z_k) - log q(z_k | x) for k samples z_k ~ q: shape (k, N)."""
        m, log_std = self.q(x)
        eps = torch.randn((k, *m.shape), generator=generator, dtype=m.dtype)
        z = m + log_std.exp() * eps                                     # (k, N, latent)
        f, s = self.p_x(z)
        log_px_z = diag_gaussian_log_prob(x, f, s)
        log_pz = diag_gaussian_log_prob(z, torch.zeros_like(z), torch.zeros_like(z))
        log_qz = diag_gaussian_log_prob(z, m, log_std)
        return log_px_z + log_pz - log_qz

    def kl(self, x):
        """KL(q(z|x) || N(0, I)) = 0.5 sum(m^2 + v^2 - log v^2 - 1), closed form, shape (N,)."""
        m, log_std = self.q(x)
        return 0.5 * (m.pow(2) + (2 * log_std).exp() - 2 * log_std - 1).sum(-1)

    def elbo(self, x, *, condition=None, n_samples: int = 1, seed: int | None = 0, generator=None):
        """E_q[log p(x|z)] (Monte Carlo, ``n_samples``) - KL (closed form), nats per point, (N,)."""
        x = torch.as_tensor(np.asarray(x) if not torch.is_tensor(x) else x, dtype=torch.float32)
        gen = generator if generator is not None else torch_generator(seed)
        m, log_std = self.q(x)
        z = m + log_std.exp() * torch.randn((n_samples, *m.shape), generator=gen)
        f, s = self.p_x(z)
        return diag_gaussian_log_prob(x, f, s).mean(0) - self.kl(x)

    def iwae(self, x, *, k: int = 64, seed: int | None = 0, generator=None):
        """The importance-weighted bound IWAE_K(x) (one draw of K samples), nats per point, (N,)."""
        x = torch.as_tensor(np.asarray(x) if not torch.is_tensor(x) else x, dtype=torch.float32)
        gen = generator if generator is not None else torch_generator(seed)
        log_w = self._log_weights(x, k, gen)
        return torch.logsumexp(log_w, dim=0) - math.log(k)

    @torch.no_grad()
    def sample(self, n, *, condition=None, seed=None, noise: bool = True, **options):
        """x ~ p(x|z), z ~ N(0, I): (n, data_dim); ``noise=False`` returns the decoder means f(z)."""
        gen = torch_generator(seed)
        z = torch.randn((n, self.latent_dim), generator=gen)
        f, s = self.p_x(z)
        return f + s.exp() * torch.randn(f.shape, generator=gen) if noise else f

    # ---- linear-Gaussian closed forms ----------------------------------------------------------
    def exact_log_prob(self, x) -> torch.Tensor:
        """log p(x) = log N(x; b, W W^T + s^2 I): only for ``linear=True`` (the closed-form check)."""
        if not self.linear:
            raise ValueError("exact_log_prob exists only for the linear-Gaussian VAE (linear=True)")
        x = torch.as_tensor(x, dtype=torch.float32)
        w, b = self.decoder.weight, self.decoder.bias
        cov = w @ w.T + torch.diag((2 * self.dec_log_std).exp())
        return torch.distributions.MultivariateNormal(b, covariance_matrix=cov).log_prob(x)

    @torch.no_grad()
    def set_exact_posterior_mean(self):
        """Set the linear encoder's mean to the true posterior mean E[z|x] = S W^T (x - b) / s^2.

        S = (I + W^T diag(1/s^2) W)^-1; the variances stay what they are (q is diagonal).
        """
        w, b = self.decoder.weight, self.decoder.bias
        prec = torch.diag((-2 * self.dec_log_std).exp())
        cov = torch.linalg.inv(torch.eye(self.latent_dim) + w.T @ prec @ w)
        self.encoder.weight.copy_(cov @ w.T @ prec)
        self.encoder.bias.copy_(-(cov @ w.T @ prec @ b))
        return cov


def train_toy_vae(data: str | np.ndarray, *, steps: int = 3000, seed: int = 0, n: int = 4000,
                  batch_size: int = 256, lr: float = 3e-3, hidden: int = 64, out=None,
                  progress: bool = False) -> ToyVAE:
    """Fit a ToyVAE by maximising the ELBO on a 2-D toy set (by name) or an (N, 2) array."""
    from genlab.data.toy2d import load_toy
    from genlab.families.vae.fit import maximise_elbo

    x_all = load_toy(data, n, seed=seed) if isinstance(data, str) else np.asarray(data, np.float32)
    x_all = torch.as_tensor(x_all, dtype=torch.float32)
    torch.manual_seed(seed)
    model = ToyVAE(data_dim=x_all.shape[1], hidden=hidden)
    maximise_elbo(model, x_all, steps=steps, batch_size=batch_size, lr=lr, seed=seed,
                  progress=progress, desc="toy-vae")
    if out is not None:
        model.save_lab(out)
    return model


def load_toy_vae(data: str = "moons") -> ToyVAE:
    """The shipped ToyVAE for a toy set (``genlab/assets/vae-toy/<data>``); cached, read-only."""
    return _load_toy_vae(data)


def _asset(data: str):
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / "assets" / "vae-toy" / data


import functools  # noqa: E402


@functools.lru_cache(maxsize=8)
def _load_toy_vae(data: str) -> ToyVAE:
    from genlab.data.toy2d import TOY_SETS
    from genlab.errors import InputError, check_choice

    check_choice("data", data, TOY_SETS)
    folder = _asset(data)
    if not (folder / "model.safetensors").is_file():
        raise InputError("model", "unavailable", reason=f"no shipped toy VAE for {data} in {folder}")
    return ToyVAE.load_lab(folder)


@torch.no_grad()
def bounds_table(model: ToyVAE, x, *, ks=(1, 10, 100, 1000), seed: int = 0) -> dict:
    """Mean ELBO and IWAE_K over the points x (N, 2), nats per point: the taxonomy's 'bound' numbers."""
    x = torch.as_tensor(np.asarray(x), dtype=torch.float32)
    out = {"elbo": float(model.elbo(x, n_samples=100, seed=seed).mean())}
    for k in ks:
        out[f"iwae_{k}"] = float(model.iwae(x, k=k, seed=seed).mean())
    return out
