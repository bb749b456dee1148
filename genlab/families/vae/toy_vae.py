"""A VAE on 2-D toy data for the taxonomy tab: the ELBO bound and an importance-weighted estimate.

    p(z) = N(0, I_2)  or a learned mixture  sum_k pi_k N(m_k, diag s_k^2)   (``prior_components``)
    p(x | z) = N(f(z), diag s(z)^2),   q(z | x) = N(m(x), diag v(x)^2)

    ELBO(x)   = E_q[log p(x|z)] - KL(q || p)                                  <= log p(x)
    IWAE_K(x) = E[log (1/K) sum_k p(x, z_k) / q(z_k | x)],  z_k ~ q(z|x)       ELBO = IWAE_1 <= IWAE_K <= log p(x)

(Burda, Grosse, Salakhutdinov 2016: IWAE_K increases with K and tends to log p(x).)

Why the learned prior: with p(z) = N(0, I) a Gaussian-decoder VAE fitted to moons or eight
Gaussians puts its decoder variance s(z) to work instead of z (s ~ 0.6 on moons, ~0.7 on eight
Gaussians: the posterior collapses towards the prior and samples are a blob over the data), and
the aggregate posterior cannot be pushed into N(0, I) without holes between clusters. A mixture
prior (Dilokthanakul et al. 2016; Tomczak & Welling 2018's "VampPrior" argument) lets the latent
keep the data's clusters, and a KL warm-up (Bowman et al. 2016; Sønderby et al. 2016: the KL's
weight rises from 0 to 1 over the first half of training) keeps z in use early on. The KL is then
estimated by Monte Carlo (log q(z|x) - log p(z) at the same z); with ``prior_components=0`` it is
the closed form.

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
from genlab.prob import gaussian_kl
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

    def __init__(self, data_dim: int = 2, latent_dim: int = 2, hidden: int = 64, linear: bool = False,
                 prior_components: int = 0):
        super().__init__()
        if linear and prior_components:
            raise ValueError("the linear-Gaussian VAE's closed form needs the N(0, I) prior (prior_components=0)")
        self.data_dim, self.latent_dim, self.linear = data_dim, latent_dim, linear
        self.prior_components = int(prior_components)
        if linear:
            self.encoder = nn.Linear(data_dim, latent_dim)               # m(x) = A x + c
            self.enc_log_std = nn.Parameter(torch.zeros(latent_dim))     # v: constant
            self.decoder = nn.Linear(latent_dim, data_dim)               # f(z) = W z + b
            self.dec_log_std = nn.Parameter(torch.zeros(data_dim))       # s: constant
        else:
            self.encoder = _mlp(data_dim, hidden, 2 * latent_dim)
            self.decoder = _mlp(latent_dim, hidden, 2 * data_dim)
        if self.prior_components:
            k = self.prior_components
            # components start spread over N(0, I) (a fixed draw), narrower than it, equally weighted
            start = torch.randn((k, latent_dim), generator=torch.Generator().manual_seed(0))
            self.prior_logits = nn.Parameter(torch.zeros(k))
            self.prior_mean = nn.Parameter(start)
            self.prior_log_std = nn.Parameter(torch.full((k, latent_dim), -0.5))

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

    def log_prior(self, z):
        """log p(z) over the last dimension: N(0, I), or the learned mixture."""
        if not self.prior_components:
            return diag_gaussian_log_prob(z, torch.zeros_like(z), torch.zeros_like(z))
        per_component = diag_gaussian_log_prob(z[..., None, :], self.prior_mean, self.prior_log_std)
        return torch.logsumexp(per_component + torch.log_softmax(self.prior_logits, 0), dim=-1)

    def _sample_prior(self, n, generator):
        eps = torch.randn((n, self.latent_dim), generator=generator)
        if not self.prior_components:
            return eps
        k = torch.multinomial(torch.softmax(self.prior_logits, 0), n, replacement=True, generator=generator)
        return self.prior_mean[k] + self.prior_log_std[k].exp() * eps

    def _log_weights(self, x, k: int, generator=None):
        """log p(x, z_k) - log q(z_k | x) for k samples z_k ~ q: shape (k, N)."""
        m, log_std = self.q(x)
        eps = torch.randn((k, *m.shape), generator=generator, dtype=m.dtype)
        z = m + log_std.exp() * eps                                     # (k, N, latent)
        f, s = self.p_x(z)
        return diag_gaussian_log_prob(x, f, s) + self.log_prior(z) - diag_gaussian_log_prob(z, m, log_std)

    def kl(self, x):
        """KL(q(z|x) || N(0, I)) = 0.5 sum(m^2 + v^2 - log v^2 - 1), closed form, shape (N,)
        (the N(0, I) prior only; a mixture prior's KL has no closed form)."""
        if self.prior_components:
            raise ValueError("the mixture prior's KL has no closed form: elbo() estimates it by Monte Carlo")
        m, log_std = self.q(x)
        return gaussian_kl(m, log_std.exp()).sum(-1)

    def elbo(self, x, *, condition=None, n_samples: int = 1, seed: int | None = 0, generator=None,
             kl_weight: float = 1.0):
        """E_q[log p(x|z)] - KL, nats per point, (N,): Monte Carlo over ``n_samples`` z ~ q(z|x), the
        KL in closed form under N(0, I), estimated at the same z under a mixture prior.
        ``kl_weight`` < 1 is the warm-up's training objective, not a bound."""
        x = torch.as_tensor(np.asarray(x) if not torch.is_tensor(x) else x, dtype=torch.float32)
        gen = generator if generator is not None else torch_generator(seed)
        m, log_std = self.q(x)
        z = m + log_std.exp() * torch.randn((n_samples, *m.shape), generator=gen)
        f, s = self.p_x(z)
        if self.prior_components:
            kl = (diag_gaussian_log_prob(z, m, log_std) - self.log_prior(z)).mean(0)
        else:
            kl = self.kl(x)
        return diag_gaussian_log_prob(x, f, s).mean(0) - kl_weight * kl

    def iwae(self, x, *, k: int = 64, seed: int | None = 0, generator=None):
        """The importance-weighted bound IWAE_K(x) (one draw of K samples), nats per point, (N,)."""
        x = torch.as_tensor(np.asarray(x) if not torch.is_tensor(x) else x, dtype=torch.float32)
        gen = generator if generator is not None else torch_generator(seed)
        log_w = self._log_weights(x, k, gen)
        return torch.logsumexp(log_w, dim=0) - math.log(k)

    @torch.no_grad()
    def sample(self, n, *, condition=None, seed=None, noise: bool = True, **options):
        """x ~ p(x|z), z ~ p(z): (n, data_dim); ``noise=False`` returns the decoder means f(z)."""
        gen = torch_generator(seed)
        z = self._sample_prior(n, gen)
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
                  batch_size: int = 256, lr: float = 3e-3, hidden: int = 128, prior_components: int = 8,
                  kl_warmup: float = 0.5, restarts: int = 1, out=None, resume: bool = False,
                  budget_minutes: float = 0.0, progress: bool = False) -> ToyVAE:
    """Fit a ToyVAE by maximising the ELBO on a 2-D toy set (by name) or an (N, 2) array.

    Defaults: a learned 8-component mixture prior and a KL warm-up over the first half of the
    steps (see the module docstring); ``prior_components=0, kl_warmup=0`` is the plain VAE.
    ``restarts`` > 1 fits that many from different initialisations and keeps the one with the
    highest ELBO on the training points (as scikit-learn's ``n_init``: a local optimum with a
    collapsed posterior shows itself by a lower ELBO). With ``out`` each run checkpoints in
    ``out/restart-<i>`` (``resume`` continues them) and the kept model is saved in ``out``.
    """
    from pathlib import Path

    from genlab.data.toy2d import load_toy
    from genlab.families.vae.fit import maximise_elbo

    x_all = load_toy(data, n, seed=seed) if isinstance(data, str) else np.asarray(data, np.float32)
    x_all = torch.as_tensor(x_all, dtype=torch.float32)
    best, best_elbo = None, -math.inf
    for i in range(restarts):
        run_seed = seed + 1000 * i
        torch.manual_seed(run_seed)
        model = ToyVAE(data_dim=x_all.shape[1], hidden=hidden, prior_components=prior_components)
        folder = None if out is None else Path(out) / f"restart-{i}" if restarts > 1 else out
        maximise_elbo(model, x_all, steps=steps, batch_size=batch_size, lr=lr, seed=run_seed,
                      kl_warmup=kl_warmup, progress=progress, desc="toy-vae", checkpoint=folder,
                      resume=resume, budget_minutes=budget_minutes)
        with torch.no_grad():
            elbo = float(model.elbo(x_all, n_samples=10, seed=seed).mean())
        if best is None or elbo > best_elbo:
            best, best_elbo = model, elbo
    best.fit_info_ = {**best.fit_info_, "restarts": restarts, "train_elbo": round(best_elbo, 4)}
    if out is not None:
        best.save_lab(out)
    return best


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
        raise InputError("model", "no_toy_vae", data=data, folder=folder)
    return ToyVAE.load_lab(folder)


@torch.no_grad()
def bounds_table(model: ToyVAE, x, *, ks=(1, 10, 100, 1000), seed: int = 0) -> dict:
    """ELBO and IWAE_K over the points x (N, 2), nats per point: the taxonomy's 'bound' numbers.

    Each is the mean over the points with its standard error (``<name>_sem``); the ELBO averages
    100 draws of z per point, IWAE_K is one draw of K.
    """
    x = torch.as_tensor(np.asarray(x), dtype=torch.float32)
    rows = {"elbo": model.elbo(x, n_samples=100, seed=seed)}
    rows.update({f"iwae_{k}": model.iwae(x, k=k, seed=seed) for k in ks})
    out = {}
    for name, values in rows.items():
        out[name] = float(values.mean())
        out[f"{name}_sem"] = float(values.std() / math.sqrt(len(values)))
    return out


def fit_toy(x, *, data: str, steps: int, seed: int):
    """The taxonomy comparison's VAE (``genlab.registry.TOY_MODELS``): a ToyVAE trained ``steps``
    steps on ``x``; it reports its ELBO and the tighter IWAE bound (k = 64), nats per point."""
    from genlab.core import ToyFit

    model = train_toy_vae(x, steps=steps, seed=seed)

    @torch.no_grad()
    def elbo(v):
        return model.elbo(v, seed=seed).numpy()

    @torch.no_grad()
    def iwae(v):
        return model.iwae(v, k=64, seed=seed).numpy()

    return ToyFit(model, bounds={"ELBO": elbo, "IWAE (k=64)": iwae})
