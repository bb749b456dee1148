"""The diffusion variational bound on log p(x) (Sohl-Dickstein et al. 2015; Ho et al. 2020, eq. 5).

    log p(x_0) >= -L,   L = L_T + sum_{t=2..T} L_{t-1} + L_0
    L_T     = KL(q(x_T | x_0) || N(0, I))
    L_{t-1} = KL(q(x_{t-1} | x_t, x_0) || p(x_{t-1} | x_t)),   p = N(mu~(x_t, x0_theta), sigma_t^2 I)
            = 1/2 [D (beta~_t / sigma_t^2 - 1 + log(sigma_t^2 / beta~_t))
                   + c_t^2 ||x_0 - x0_theta(x_t, t)||^2 / sigma_t^2],   c_t = sqrt(abar_{t-1}) beta_t / (1 - abar_t)
    L_0     = -log p(x_0 | x_1),   p = N(x0_theta(x_1, 1), sigma_1^2 I)  (discretised to 256 levels
              per pixel for 8-bit images, Ho et al. eq. 13)

Reverse variances. Ho et al. fix sigma_t^2 = beta~_t (the posterior variance) and sigma_1^2 = beta_1,
which makes the bound loose: a small error of x0_theta at small t, where beta~_t is tiny, costs
many nats. The variance that maximises the expected bound for a given mean is
sigma_t^2 = beta~_t + c_t^2 m_t / D with m_t = E||x_0 - x0_theta(x_t, t)||^2 (for the decoder,
sigma_1^2 = m_1 / D): the "optimal" reverse variance of Analytic-DPM (Bao et al. 2022), then
E[L_{t-1}] = D/2 log(1 + c_t^2 m_t / (D beta~_t)). m_t is measured once on training data
(``x0_mse``; the model keeps it), so the bound on held-out data remains a bound.

Estimators of the sum over t = 2..T: all T - 1 terms (one noise draw each), or K timesteps per
example drawn by importance sampling from p(t) proportional to E[L_{t-1}] (mixed with 10% uniform so
that no weight is large), systematically spaced in the proposal's CDF; both are unbiased. Indices
follow diffusers: training timestep k = 0..T-1 is the paper's t = k + 1.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable, Sequence

import numpy as np
import torch


@dataclass
class BoundEstimate:
    """A Monte Carlo bound summarised: the mean over examples and its standard error."""

    mean: float                  # nats per example (higher is better)
    stderr: float                # standard error of the mean over examples (counts the timestep draws)
    n_examples: int
    timesteps: str               # "all 999" or "100 importance-sampled"
    dims: int                    # dimensions per example, for bits/dim
    note: str = ""

    @property
    def bits_per_dim(self) -> float:
        """-mean / (D ln 2): for discrete data an upper bound on the negative log-likelihood."""
        return -self.mean / (self.dims * math.log(2))

    @property
    def bits_per_dim_stderr(self) -> float:
        return self.stderr / (self.dims * math.log(2))

    def as_dict(self) -> dict:
        return {**asdict(self), "bits_per_dim": self.bits_per_dim,
                "bits_per_dim_stderr": self.bits_per_dim_stderr}


def summarize(values, *, n_timesteps: int | None, total_timesteps: int, dims: int,
              note: str = "") -> BoundEstimate:
    """Mean and standard error of per-example bounds (nats), with how they were estimated."""
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    stderr = float(v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else float("nan")
    timesteps = (f"all {total_timesteps - 1}" if n_timesteps is None
                 else f"{n_timesteps} importance-sampled of {total_timesteps - 1}")
    return BoundEstimate(float(v.mean()), stderr, len(v), timesteps, dims, note)


def _schedule(abar: torch.Tensor):
    abar_prev = torch.cat([abar.new_ones(1), abar[:-1]])
    betas = 1 - abar / abar_prev
    post_var = betas * (1 - abar_prev) / (1 - abar)   # beta~_t (zero at k = 0)
    c = abar_prev.sqrt() * betas / (1 - abar)            # x_0's coefficient in the posterior mean
    return betas, post_var, c


def reverse_variances(abar: torch.Tensor, log_x0_mse: torch.Tensor | None, dims: int):
    """sigma_t^2 for k = 0..T-1 (k = 0: the decoder's), optimal given m_t (rows: examples), or
    Ho et al.'s fixed beta~_t (beta_1 for the decoder) when ``log_x0_mse`` is None."""
    betas, post_var, c = _schedule(abar)
    if log_x0_mse is None:
        return torch.cat([betas[:1], post_var[1:]])
    m = log_x0_mse.exp() / dims
    return torch.cat([m[..., :1], post_var[1:] + c[1:] ** 2 * m[..., 1:]], dim=-1)


def x0_mse(x0_fn: Callable, x0: torch.Tensor, abar: torch.Tensor, timesteps: Sequence[int], *,
           generator: torch.Generator | None = None) -> torch.Tensor:
    """m_k = mean over the rows of x0 of ||x_0 - x0_fn(x_k, k)||^2 at each timestep k, (len(timesteps),)."""
    dims = tuple(range(1, x0.ndim))
    out = []
    for k in torch.as_tensor(timesteps).tolist():
        noise = torch.randn(x0.shape, generator=generator, dtype=x0.dtype)
        x_k = abar[k].sqrt() * x0 + (1 - abar[k]).sqrt() * noise
        out.append((x0 - x0_fn(x_k, k)).pow(2).sum(dim=dims).mean())
    return torch.stack(out)


def interpolate_log(timesteps, log_table: torch.Tensor, total: int) -> torch.Tensor:
    """Rows of log m measured at ``timesteps``, linearly interpolated to all ``total`` timesteps."""
    ks = np.asarray(torch.as_tensor(timesteps), dtype=np.float64)
    rows = [np.interp(np.arange(total), ks, row) for row in np.atleast_2d(log_table.numpy())]
    return torch.tensor(np.stack(rows))


def _log_bin_probability(x0: torch.Tensor, mean: torch.Tensor, std: torch.Tensor, bins: int):
    """log P(pixel in x_0's bin) under N(mean, std^2), bins of width 2 / (bins - 1) on [-1, 1]; the
    outermost bins extend to -inf and +inf (Ho et al. eq. 13). Computed in the tail that keeps
    precision: log(Phi(b) - Phi(a)) with both ends flipped when the bin lies right of the mean."""
    from torch.special import log_ndtr

    half = 1.0 / (bins - 1)
    lo = torch.where(x0 <= -1 + 1e-6, torch.full_like(x0, -math.inf), (x0 - half - mean) / std)
    hi = torch.where(x0 >= 1 - 1e-6, torch.full_like(x0, math.inf), (x0 + half - mean) / std)
    flip = lo > 0
    a, b = torch.where(flip, -hi, lo), torch.where(flip, -lo, hi)
    log_b, log_a = log_ndtr(b), log_ndtr(a)
    return log_b + torch.log(-torch.expm1(log_a - log_b))


def _proposal(abar, sigma2, dims: int, n_rows: int) -> torch.Tensor:
    """p(k) for k = 1..T-1 per row (rows, T-1): proportional to E[L_{k}] = D/2 log(sigma^2 / beta~)
    under the optimal variance, mixed with 10% uniform."""
    _, post_var, _ = _schedule(abar)
    expected = 0.5 * dims * torch.log(sigma2[..., 1:] / post_var[1:]).clamp(min=0)
    expected = expected.expand(n_rows, -1)
    uniform = torch.full_like(expected, 1.0 / expected.shape[-1])
    total = expected.sum(-1, keepdim=True)
    p = torch.where(total > 0, expected / total.clamp(min=1e-300), uniform)
    return 0.9 * p + 0.1 * uniform


def diffusion_elbo(x0_fn: Callable, x0: torch.Tensor, alphas_cumprod: torch.Tensor, *,
                   log_x0_mse: torch.Tensor | None = None, n_timesteps: int | None = None,
                   discrete_bins: int | None = None,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """Lower bound on log p(x0) in nats, one per row (float64).

    Parameters
    ----------
    x0_fn : callable (x_k (B, *shape), k (one int, or (B,) long)) -> x0_theta (B, *shape)
    x0 : (B, *shape) data in the model's space (in [-1, 1] when ``discrete_bins`` is set)
    alphas_cumprod : (T,) abar_k of the training schedule
    log_x0_mse : log m_k, (T,) or (B, T): the optimal reverse variances; None: Ho et al.'s fixed ones
    n_timesteps : None sums all T - 1 KL terms (one noise draw each, T network calls per row);
        an integer K estimates their sum without bias from K importance-sampled timesteps per row.
    discrete_bins : the bound on the probability of x0's bins (8-bit images: 256), not a density
    """
    x0 = x0.double()
    abar = alphas_cumprod.double()
    T = abar.shape[0]
    _, post_var, c = _schedule(abar)
    B = x0.shape[0]
    dims = tuple(range(1, x0.ndim))
    D = x0[0].numel()
    if discrete_bins:  # the centre of each pixel's bin
        x0 = torch.round((x0 + 1) / 2 * (discrete_bins - 1)) / (discrete_bins - 1) * 2 - 1
    sigma2 = reverse_variances(abar, None if log_x0_mse is None else log_x0_mse.double(), D)
    sigma2 = sigma2.expand(B, T) if sigma2.ndim == 1 else sigma2   # (B, T)

    def noisy(k):  # x_k ~ q(x_k | x_0); k is (B,)
        noise = torch.randn(x0.shape, generator=generator, dtype=torch.float64)
        shape = (B,) + (1,) * (x0.ndim - 1)
        return abar[k].sqrt().view(shape) * x0 + (1 - abar[k]).sqrt().view(shape) * noise

    def kl_term(k):  # L_{k} for one timestep per row, k (B,) in 1..T-1
        err = (x0 - x0_fn(noisy(k), k)).pow(2).sum(dim=dims)
        s2, pv = sigma2.gather(1, k[:, None])[:, 0], post_var[k]
        return 0.5 * (D * (pv / s2 - 1 + torch.log(s2 / pv)) + c[k] ** 2 * err / s2)

    # L_T: KL(N(sqrt(abar_T) x0, (1 - abar_T) I) || N(0, I)), closed form.
    var_T = 1 - abar[-1]
    prior = 0.5 * (var_T + abar[-1] * x0.pow(2) - 1 - torch.log(var_T)).sum(dim=dims)

    kl_sum = torch.zeros(B, dtype=torch.float64)
    if n_timesteps is None:
        for k in range(1, T):
            kl_sum += kl_term(torch.full((B,), k, dtype=torch.long))
    else:
        K = int(n_timesteps)
        p = _proposal(abar, sigma2, D, B)                     # (B, T-1), for k = 1..T-1
        cdf = p.cumsum(-1)
        cdf[:, -1] = 1.0
        offset = torch.rand(B, 1, generator=generator, dtype=torch.float64)
        u = (offset + torch.arange(K, dtype=torch.float64)) / K                # (B, K) systematic
        idx = torch.searchsorted(cdf, u).clamp(max=T - 2)                      # 0..T-2 -> k = idx + 1
        for j in range(K):
            k = idx[:, j] + 1
            kl_sum += kl_term(k) / p.gather(1, idx[:, j:j + 1])[:, 0] / K

    # L_0: the decoder around x0_theta(x_1, 1) with variance sigma_1^2.
    k0 = torch.zeros(B, dtype=torch.long)
    mean = x0_fn(noisy(k0), k0)
    var_1 = sigma2[:, 0].view((B,) + (1,) * (x0.ndim - 1))
    if discrete_bins:
        log_decoder = _log_bin_probability(x0, mean, var_1.sqrt(), discrete_bins).sum(dim=dims)
    else:
        log_decoder = (-0.5 * torch.log(2 * math.pi * var_1) - (x0 - mean).pow(2) / (2 * var_1)).sum(dim=dims)
    return log_decoder - prior - kl_sum


def nats_to_bits_per_dim(log_p, dims: int):
    """A bound in nats per example as bits per dimension of the negative log-likelihood."""
    return -log_p / (dims * math.log(2))
