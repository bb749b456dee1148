"""The lecture's two labelled point clouds (``create_dataset``), the data of section 2."""

from __future__ import annotations

import numpy as np

from genlab.errors import check_int, check_number
from genlab.seeding import numpy_rng


def cloud_covariances(cov_scale: float = 0.8, rotate_deg: float = 25.0):
    """The two clouds' covariances: S0 = cov_scale [[1, .6], [.6, 1.4]] turned by +/- rotate_deg."""
    s0 = cov_scale * np.array([[1.0, 0.6], [0.6, 1.4]])
    theta = np.deg2rad(rotate_deg)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    return rot @ s0 @ rot.T, rot.T @ s0 @ rot


def create_dataset(n1: int = 200, n2: int = 200, d: int = 2, separation: float = 2.5,
                   cov_scale: float = 0.8, rotate_deg: float = 25.0, seed=0):
    """Two Gaussian clouds in R^2 with controllable overlap (the lecture's function, checked).

    Class 1 ~ N((-separation/2, 0), S1), class 2 ~ N((+separation/2, 0), S2), where S1 and S2 are
    ``cloud_covariances(cov_scale, rotate_deg)``. Same arguments give the lecture's exact points.

    Returns
    -------
    X1 : (n1, 2), X2 : (n2, 2)
    """
    n1 = check_int("n1 (points of class 1)", n1, 2, 1_000_000)
    n2 = check_int("n2 (points of class 2)", n2, 2, 1_000_000)
    check_int("d", d, 2, 2)  # the figures are 2-D, as in the lecture
    separation = check_number("separation", separation, -100, 100)
    cov_scale = check_number("cov_scale", cov_scale, 0, 100, lo_open=True)
    rotate_deg = check_number("rotate_deg", rotate_deg, -360, 360)
    rng = numpy_rng(seed)
    s1, s2 = cloud_covariances(cov_scale, rotate_deg)
    mu1 = np.array([-separation / 2, 0.0])
    mu2 = np.array([+separation / 2, 0.0])
    x1 = rng.multivariate_normal(mu1, s1, size=n1)
    x2 = rng.multivariate_normal(mu2, s2, size=n2)
    return x1, x2


def stack_labelled(x1, x2):
    """(X, y) with X = [X1; X2] and y = 0 for X1, 1 for X2."""
    x = np.vstack([x1, x2])
    y = np.concatenate([np.zeros(len(x1), dtype=int), np.ones(len(x2), dtype=int)])
    return x, y
