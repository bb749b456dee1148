"""The multivariate Gaussian N(mu, Sigma) in log-space, through the Cholesky factor of Sigma.

log N(x | mu, Sigma) = -1/2 (d log 2pi + log det Sigma + ||L^{-1}(x - mu)||^2),  Sigma = L L^T.

Computing the density as exp(log-density) and never inverting Sigma keeps it accurate in high
dimension and far in the tails, where the lecture's ``inv``/``det`` version under- or overflows.
"""

from __future__ import annotations

import numpy as np

from genlab.errors import InputError, check_array

LOG_2PI = float(np.log(2.0 * np.pi))


def float_dtype(x) -> np.dtype:
    """float32 stays float32; everything else is computed in float64."""
    dtype = getattr(x, "dtype", None)
    return np.dtype(np.float32) if dtype == np.float32 else np.dtype(np.float64)


def cholesky(cov: np.ndarray, param: str = "cov") -> np.ndarray:
    """Lower Cholesky factor of a symmetric positive definite matrix (or a stack of them).

    Raises ``InputError(param, "singular")`` when a matrix is not positive definite.
    """
    cov = np.asarray(cov)
    if cov.shape[-1] != cov.shape[-2]:
        raise InputError(param, "bad_shape", expected="(..., d, d)", got=str(cov.shape))
    if not np.allclose(cov, np.swapaxes(cov, -1, -2), rtol=1e-6, atol=1e-10):
        raise InputError(param, "not_symmetric")
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise InputError(param, "singular") from None


def mvn_logpdf(x, mean, cov) -> np.ndarray:
    """log N(x | mean, cov) for every row of ``x``.

    Parameters
    ----------
    x : (n, d) or (d,) array
    mean : (d,) array
    cov : (d, d) symmetric positive definite array

    Returns
    -------
    (n,) array (a scalar for a single point), in x's float dtype.
    """
    dtype = float_dtype(x)
    x = check_array("x", x, dtype=dtype)
    single = x.ndim == 1
    x2 = np.atleast_2d(x)
    mean = check_array("mean", mean, ndim=1, dtype=dtype)
    d = mean.shape[0]
    if x2.shape[1] != d:
        raise InputError("x", "bad_shape", expected=f"(n, {d})", got=str(x2.shape))
    cov = check_array("cov", cov, shape=(d, d), dtype=dtype)
    chol = cholesky(cov, "cov")
    out = _logpdf_chol(x2, mean, chol)
    return out[0] if single else out


def _logpdf_chol(x: np.ndarray, mean: np.ndarray, chol: np.ndarray) -> np.ndarray:
    """log N for rows of x given the lower Cholesky factor (no checks; used by mixtures)."""
    d = mean.shape[0]
    # L^{-1} once (d x d, as scikit-learn's precisions_cholesky_), then one matrix product for all
    # points: cheaper than a triangular solve with n right-hand sides, and as accurate here
    # (numpy's LAPACK: SciPy's triangular solve wakes its BLAS threads, ~ms per tiny call)
    chol_inv = np.linalg.solve(chol, np.eye(d, dtype=chol.dtype))
    white = (x - mean) @ chol_inv.T                                    # (n, d)
    maha = np.einsum("ij,ij->i", white, white)
    log_det = 2.0 * np.log(np.diagonal(chol)).sum()
    return (-0.5 * (d * LOG_2PI + log_det + maha)).astype(x.dtype, copy=False)


def mvn_pdf(x, mean, cov) -> np.ndarray:
    """N(x | mean, cov) = exp(mvn_logpdf)."""
    return np.exp(mvn_logpdf(x, mean, cov))


def mvn_sample(n: int, mean, cov, rng: np.random.Generator) -> np.ndarray:
    """``n`` draws mean + L z with z ~ N(0, I): shape (n, d)."""
    mean = np.asarray(mean, dtype=np.float64)
    chol = cholesky(np.asarray(cov, dtype=np.float64), "cov")
    z = rng.standard_normal((int(n), mean.shape[0]))
    return mean + z @ chol.T


def normal_pdf(x, mu: float = 0.0, sigma: float = 1.0) -> np.ndarray:
    """The 1-D normal density (the lecture's ``normal_pdf``), computed in log-space."""
    from genlab.errors import check_number

    sigma = check_number("sigma", sigma, 0, lo_open=True)
    mu = check_number("mu", mu)
    x = np.asarray(x, dtype=float_dtype(x))
    z = (x - mu) / sigma
    return np.exp(-0.5 * z * z - np.log(sigma) - 0.5 * LOG_2PI)


def gaussian_kl(mu, sigma, mu_p=0.0, sigma_p=1.0):
    """KL(N(mu, sigma^2) || N(mu_p, sigma_p^2)) elementwise, in nats (closed form):

        log(sigma_p / sigma) + (sigma^2 + (mu - mu_p)^2) / (2 sigma_p^2) - 1/2.

    With the default N(0, 1) this is a VAE's 0.5 (mu^2 + sigma^2 - log sigma^2 - 1) — with its
    factor 1/2, which the lecture's VAE cell leaves out. Takes NumPy arrays or torch tensors (the
    result is of the same kind, so gradients flow through a tensor).
    """
    ratio = sigma_p / sigma
    log_ratio = ratio.log() if hasattr(ratio, "log") else np.log(ratio)
    return log_ratio + (sigma * sigma + (mu - mu_p) ** 2) / (2 * sigma_p * sigma_p) - 0.5
