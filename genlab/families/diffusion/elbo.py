"""The diffusion variational bound on log p(x) (Sohl-Dickstein et al. 2015; Ho et al. 2020, eq. 5).

    log p(x_0) >= -L,   L = L_T + sum_{t=2..T} L_{t-1} + L_0
    L_T     = KL(q(x_T | x_0) || N(0, I))
    L_{t-1} = KL(q(x_{t-1} | x_t, x_0) || p(x_{t-1} | x_t))
            = beta_t^2 / (2 sigma_t^2 alpha_t (1 - abar_t)) * ||eps - eps_theta(x_t, t)||^2
    L_0     = -log N(x_0; mu_theta(x_1, 1), sigma_1^2 I)

The reverse variances are fixed: sigma_t^2 = beta~_t (the posterior variance) for t >= 2 and
sigma_1^2 = beta_1 for the Gaussian decoder (beta~_1 is zero). Indices follow diffusers: training
timestep k = 0..T-1 is the paper's t = k + 1.
"""

from __future__ import annotations

import math
from typing import Callable

import torch


def diffusion_elbo(eps_fn: Callable, x0: torch.Tensor, alphas_cumprod: torch.Tensor, *,
                   n_timesteps: int | None = None,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """Lower bound on log p(x0) in nats, one per row.

    Parameters
    ----------
    eps_fn : callable (x_t (B, *shape), k (B,) long) -> eps prediction (B, *shape)
    x0 : (B, *shape) data in the model's space
    alphas_cumprod : (T,) abar_k of the training schedule
    n_timesteps : None sums all T - 1 KL terms (one noise draw each, T network calls per row);
        an integer K estimates their sum without bias from K uniformly drawn timesteps.
    """
    x0 = x0.double()
    abar = alphas_cumprod.double()
    T = abar.shape[0]
    abar_prev = torch.cat([abar.new_ones(1), abar[:-1]])
    betas = 1 - abar / abar_prev
    alphas = 1 - betas
    B = x0.shape[0]
    dims = tuple(range(1, x0.ndim))
    D = x0[0].numel()

    def eps_at(x_t, k):
        ks = torch.full((B,), int(k), dtype=torch.long)
        return eps_fn(x_t.float(), ks).double()

    def noise_like():
        return torch.randn(x0.shape, generator=generator, dtype=torch.float64)

    # L_T: KL(N(sqrt(abar_T) x0, (1 - abar_T) I) || N(0, I)), closed form.
    var_T = 1 - abar[-1]
    prior = 0.5 * (var_T + abar[-1] * x0.pow(2) - 1 - torch.log(var_T)).sum(dim=dims)

    # L_{t-1}, t = 2..T (k = 1..T-1): all of them, or an unbiased estimate from K of them.
    if n_timesteps is None:
        ks, weight = torch.arange(1, T), 1.0
    else:
        ks = torch.randint(1, T, (int(n_timesteps),), generator=generator)
        weight = (T - 1) / int(n_timesteps)
    kl_sum = torch.zeros(B, dtype=torch.float64)
    for k in ks.tolist():
        eps = noise_like()
        x_t = abar[k].sqrt() * x0 + (1 - abar[k]).sqrt() * eps
        err = (eps - eps_at(x_t, k)).pow(2).sum(dim=dims)
        post_var = betas[k] * (1 - abar[k - 1]) / (1 - abar[k])
        kl_sum += betas[k] ** 2 / (2 * post_var * alphas[k] * (1 - abar[k])) * err
    kl_sum = kl_sum * weight

    # L_0: Gaussian decoder with variance beta_1 around mu_theta(x_1, 1).
    eps = noise_like()
    x1 = abar[0].sqrt() * x0 + (1 - abar[0]).sqrt() * eps
    mu = (x1 - betas[0] / (1 - abar[0]).sqrt() * eps_at(x1, 0)) / alphas[0].sqrt()
    var_1 = betas[0]
    decoder = 0.5 * D * math.log(2 * math.pi) + 0.5 * D * torch.log(var_1) \
        + (x0 - mu).pow(2).sum(dim=dims) / (2 * var_1)

    return -(prior + kl_sum + decoder)


def nats_to_bits_per_dim(log_p: torch.Tensor, dims: int) -> torch.Tensor:
    return log_p / (dims * math.log(2))
