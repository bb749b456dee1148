"""The kernel inception distance (Binkowski et al. 2018): an unbiased MMD^2 between feature sets.

With the cubic polynomial kernel k(x, y) = (x . y / d + 1)^3 on d-dimensional features,

    MMD^2_u = 1/(m(m-1)) sum_{i != j} k(a_i, a_j) + 1/(n(n-1)) sum_{i != j} k(b_i, b_j)
              - 2/(mn) sum_{i, j} k(a_i, b_j)

is an unbiased estimate of the squared maximum mean discrepancy: its expectation does not depend
on m and n, it is 0 in expectation for two samples of the same distribution (so it can come out
negative), and numbers computed at different sample sizes can be compared — unlike the Frechet
distance, which is biased upward at small n. (FID-style tables print KID x 1000 on Inception
features; on genlab's digits-classifier features, whose norms are larger, KID is of order 1-100.)
"""

from __future__ import annotations

import numpy as np

from genlab.errors import InputError, check_array


def polynomial_kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """k(a_i, b_j) = (a_i . b_j / d + 1)^3, (len(a), len(b))."""
    return (a @ b.T / a.shape[1] + 1.0) ** 3


def _checked(features_a, features_b):
    a = check_array("features_a", features_a, ndim=2, min_rows=2).astype(np.float64)
    b = check_array("features_b", features_b, ndim=2, min_rows=2).astype(np.float64)
    if a.shape[1] != b.shape[1]:
        raise InputError("features_b", "bad_shape", expected=f"(any, {a.shape[1]})",
                         got=str(tuple(b.shape)))
    return a, b


def mmd2_unbiased(k_aa: np.ndarray, k_bb: np.ndarray, k_ab: np.ndarray) -> float:
    """MMD^2_u from the three kernel matrices (the diagonals of k_aa and k_bb are left out)."""
    m, n = len(k_aa), len(k_bb)
    within_a = (k_aa.sum() - np.trace(k_aa)) / (m * (m - 1))
    within_b = (k_bb.sum() - np.trace(k_bb)) / (n * (n - 1))
    return float(within_a + within_b - 2 * k_ab.mean())


def kernel_inception_distance(features_a, features_b) -> float:
    """Unbiased MMD^2 with the cubic polynomial kernel between (m, d) and (n, d) feature sets."""
    a, b = _checked(features_a, features_b)
    return mmd2_unbiased(polynomial_kernel(a, a), polynomial_kernel(b, b), polynomial_kernel(a, b))
