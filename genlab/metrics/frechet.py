"""The Frechet (2-Wasserstein) distance between two Gaussians fitted to feature sets.

For N(mu_a, S_a) and N(mu_b, S_b):

    d^2 = |mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a^{1/2} S_b S_a^{1/2})^{1/2})

This is FID's formula (Heusel et al., 2017) on whichever features one chooses; genlab uses the
penultimate layer of its shipped digits classifier. The matrix square root is taken through a
symmetric eigendecomposition: S_a^{1/2} S_b S_a^{1/2} is symmetric PSD, so its trace square root is
the sum of the square roots of its (clipped) eigenvalues, with no complex round-off as sqrtm has.
"""

from __future__ import annotations

import numpy as np

from genlab.errors import InputError, check_array


def _sqrt_psd(s: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh(s)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def gaussian_frechet_distance(mu_a, cov_a, mu_b, cov_b) -> float:
    """Squared Frechet distance between N(mu_a, cov_a) and N(mu_b, cov_b); mu (D,), cov (D, D)."""
    mu_a, mu_b = np.asarray(mu_a, np.float64), np.asarray(mu_b, np.float64)
    cov_a, cov_b = np.asarray(cov_a, np.float64), np.asarray(cov_b, np.float64)
    root_a = _sqrt_psd(cov_a)
    middle = root_a @ cov_b @ root_a
    middle = (middle + middle.T) / 2  # symmetric up to round-off
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh(middle), 0, None)).sum()
    d2 = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_sqrt
    return float(max(d2, 0.0))


def frechet_distance(features_a, features_b) -> float:
    """Squared Frechet distance between Gaussians fitted to two feature sets (Na, D) and (Nb, D).

    Like FID, it is biased upward for small N: compare numbers computed at the same N.
    """
    a = check_array("features_a", features_a, ndim=2, min_rows=2)
    b = check_array("features_b", features_b, ndim=2, min_rows=2)
    if a.shape[1] != b.shape[1]:
        raise InputError("features_b", "bad_shape", expected=f"(any, {a.shape[1]})",
                         got=str(tuple(b.shape)))
    return gaussian_frechet_distance(a.mean(0), np.cov(a, rowvar=False),
                                     b.mean(0), np.cov(b, rowvar=False))
