"""Moments: mean, variance, standard deviation, covariance (empirical, with ddof) and the exact
mean and covariance of a Gaussian mixture (the law of total variance)."""

from __future__ import annotations

import numpy as np

from genlab.errors import InputError, check_array, check_int
from genlab.prob.gaussian import float_dtype
from genlab.prob.mixture import MixtureParams


def _samples(x, ddof: int) -> np.ndarray:
    x = check_array("x", x, dtype=float_dtype(x))
    ddof = check_int("ddof", ddof, 0)
    if x.ndim == 0 or x.shape[0] <= ddof:
        raise InputError("x", "too_few_rows", min_rows=ddof + 1, got=0 if x.ndim == 0 else x.shape[0])
    return x


def mean(x) -> np.ndarray:
    """mu_hat = (1/n) sum_i x_i over the first axis."""
    return _samples(x, 0).mean(axis=0)


def variance(x, ddof: int = 1) -> np.ndarray:
    """sum_i (x_i - mu_hat)^2 / (n - ddof); ddof=1 is the unbiased estimate of the lecture."""
    return _samples(x, ddof).var(axis=0, ddof=ddof)


def std(x, ddof: int = 1) -> np.ndarray:
    return np.sqrt(variance(x, ddof))


def covariance(x, ddof: int = 1) -> np.ndarray:
    """Sigma_hat = sum_i (x_i - mu_hat)(x_i - mu_hat)^T / (n - ddof) for x of shape (n, d)."""
    x = _samples(x, ddof)
    if x.ndim != 2:
        raise InputError("x", "bad_ndim", expected=2, got=x.ndim)
    centred = x - x.mean(axis=0)
    return centred.T @ centred / (x.shape[0] - ddof)


def mixture_mean(params: MixtureParams) -> np.ndarray:
    """E[X] = sum_k pi_k mu_k."""
    return params.weights @ params.means


def mixture_covariance(params: MixtureParams) -> np.ndarray:
    """Cov[X] = sum_k pi_k (Sigma_k + mu_k mu_k^T) - E[X] E[X]^T (within + between components)."""
    m = mixture_mean(params)
    second = np.einsum("k,kij->ij", params.weights,
                       params.covariances + np.einsum("ki,kj->kij", params.means, params.means))
    return second - np.outer(m, m)
