"""Gaussian mixtures p(x) = sum_k pi_k N(x | mu_k, Sigma_k): density, posterior, sampling.

Everything is in log-space: log p(x) = logsumexp_k (log pi_k + log N(x | mu_k, Sigma_k)), with
each component through its Cholesky factor (``genlab.prob.gaussian``). Loops run over the K
components, never over points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from genlab.errors import InputError, check_array, check_int
from genlab.prob.gaussian import _logpdf_chol, cholesky, float_dtype
from genlab.seeding import numpy_rng


@dataclass(frozen=True)
class MixtureParams:
    """The parameters of a K-component Gaussian mixture in d dimensions.

    weights : (K,) mixing weights pi_k >= 0 that sum to 1
    means : (K, d)
    covariances : (K, d, d) symmetric positive definite
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray

    @classmethod
    def checked(cls, weights, means, covariances, *, dtype=np.float64) -> "MixtureParams":
        """Validate shapes, finiteness, weights on the simplex and covariances positive definite."""
        means = check_array("means", means, ndim=2, dtype=dtype)
        k, d = means.shape
        weights = check_array("weights", weights, shape=(k,), dtype=dtype)
        covariances = check_array("covariances", covariances, shape=(k, d, d), dtype=dtype)
        if np.any(weights < 0) or abs(float(weights.sum()) - 1.0) > 1e-6:
            raise InputError("weights", "weights_not_simplex")
        cholesky(covariances, "covariances")
        return cls(weights / weights.sum(), means, covariances)

    @property
    def n_components(self) -> int:
        return self.means.shape[0]

    @property
    def dim(self) -> int:
        return self.means.shape[1]


# The lecture's bimodal example (section "Понятие распределения").
LECTURE_MIXTURE = MixtureParams(
    weights=np.array([0.5, 0.5]),
    means=np.array([[-1.5, -1.0], [1.5, 1.2]]),
    covariances=np.array([[[0.6, 0.2], [0.2, 0.8]], [[1.12, -0.25], [-0.25, 1.15]]]),
)


def component_log_prob(x, params: MixtureParams) -> np.ndarray:
    """log pi_k + log N(x_i | mu_k, Sigma_k): shape (n, K)."""
    dtype = float_dtype(x)
    x = check_array("x", x, ndim=2, dtype=dtype)
    if x.shape[1] != params.dim:
        raise InputError("x", "bad_shape", expected=f"(n, {params.dim})", got=str(x.shape))
    chol = cholesky(params.covariances, "covariances")  # (K, d, d)
    out = np.empty((x.shape[0], params.n_components), dtype=dtype)
    with np.errstate(divide="ignore"):  # a zero weight is a legal -inf
        log_w = np.log(params.weights)
    for k in range(params.n_components):
        out[:, k] = log_w[k] + _logpdf_chol(x, params.means[k].astype(dtype), chol[k].astype(dtype))
    return out


def mixture_logpdf(x, params: MixtureParams) -> np.ndarray:
    """log p(x) for every row of x: shape (n,)."""
    return logsumexp(component_log_prob(x, params), axis=1)


def mixture_pdf(x, params: MixtureParams) -> np.ndarray:
    return np.exp(mixture_logpdf(x, params))


def responsibilities(x, params: MixtureParams) -> np.ndarray:
    """The posterior p(z = k | x) over components (Bayes' rule): shape (n, K), rows sum to 1."""
    log_joint = component_log_prob(x, params)
    return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))


def mixture_sample(n: int, params: MixtureParams, *, seed=None, component: int | None = None):
    """Draw ``n`` points: z ~ Categorical(pi), then x ~ N(mu_z, Sigma_z).

    ``component`` fixes z (sampling from p(x | z = k)). Returns (x (n, d), z (n,)).
    """
    n = check_int("n", n, 0)
    rng = numpy_rng(seed)
    k_total = params.n_components
    if component is None:
        z = rng.choice(k_total, size=n, p=np.asarray(params.weights, dtype=np.float64))
    else:
        component = check_int("component", component, 0, k_total - 1)
        z = np.full(n, component)
    chol = cholesky(np.asarray(params.covariances, dtype=np.float64), "covariances")
    eps = rng.standard_normal((n, params.dim))
    # x_i = mu_{z_i} + L_{z_i} eps_i, all points at once
    x = params.means[z] + np.einsum("nij,nj->ni", chol[z], eps)
    return x.astype(params.means.dtype, copy=False), z


def density_grid(params: MixtureParams, xlim=(-5.0, 5.0), ylim=(-5.0, 5.0), n: int = 260):
    """p(x, y) of a 2-D mixture on an n x n grid: returns (X, Y, Z), each (n, n)."""
    if params.dim != 2:
        raise InputError("means", "bad_shape", expected="(K, 2)", got=str(params.means.shape))
    n = check_int("grid points", n, 2, 2000)
    xs = np.linspace(float(xlim[0]), float(xlim[1]), n)
    ys = np.linspace(float(ylim[0]), float(ylim[1]), n)
    gx, gy = np.meshgrid(xs, ys)
    z = mixture_pdf(np.column_stack([gx.ravel(), gy.ravel()]), params).reshape(gx.shape)
    return gx, gy, z
