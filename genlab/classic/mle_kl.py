"""MLE = minimum KL, made visible.

For data x_1..x_n ~ p* (a known mixture) the expected negative log-likelihood of a model is
    L(theta) = E_{p*}[-log p_theta(x)] = H(p*) + KL(p* || p_theta),
so as EM raises the likelihood, L(theta_t) comes down towards the entropy H(p*), and the gap is
the KL divergence. ``mle_kl_curve`` records, per EM iteration: the average NLL on the training
data, the cross-entropy E_{p*}[-log p_theta] estimated on fresh Monte-Carlo draws from p*, and
H(p*) estimated on the same draws (with its standard error).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genlab.classic.em import EMHistory, em_fit
from genlab.errors import check_int
from genlab.prob.mixture import MixtureParams, mixture_logpdf, mixture_sample
from genlab.seeding import resolve_seed


@dataclass
class MLEKLCurve:
    train_nll: np.ndarray      # (T+1,) -mean log p_theta_t(x_i) on the training data
    cross_entropy: np.ndarray  # (T+1,) Monte-Carlo E_{p*}[-log p_theta_t(x)]
    entropy: float             # Monte-Carlo H(p*) on the same draws
    entropy_se: float          # its standard error
    history: EMHistory

    @property
    def kl(self) -> np.ndarray:
        """KL(p* || p_theta_t) estimated as cross-entropy - entropy (same draws: low variance)."""
        return self.cross_entropy - self.entropy


def mle_kl_curve(true: MixtureParams, *, n: int = 1000, n_components: int | None = None,
                 init: str = "pca_split", n_iter: int = 60, damping: float = 1.0,
                 reg_covar: float = 1e-6, n_mc: int = 20_000, seed=0) -> MLEKLCurve:
    """Fit EM on n draws from ``true`` and follow NLL, cross-entropy and H(p*) per iteration."""
    n = check_int("n", n, 10, 1_000_000)
    n_mc = check_int("n_mc", n_mc, 100, 2_000_000)
    seed = resolve_seed(seed)
    k = true.n_components if n_components is None else n_components
    x, _ = mixture_sample(n, true, seed=seed)
    x_mc, _ = mixture_sample(n_mc, true, seed=seed + 1)
    history = em_fit(x, k, init=init, n_iter=n_iter, damping=damping, reg_covar=reg_covar,
                     early_stop=False, seed=seed)
    log_true = mixture_logpdf(x_mc, true)
    cross = np.array([-np.mean(mixture_logpdf(x_mc, history.params(t)))
                      for t in range(history.n_iter + 1)])
    return MLEKLCurve(train_nll=-history.mean_log_likelihood, cross_entropy=cross,
                      entropy=float(-log_true.mean()),
                      entropy_se=float(log_true.std(ddof=1) / np.sqrt(n_mc)), history=history)
