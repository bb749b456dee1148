"""2-D toy data sets for the taxonomy lab: each returns an (n, 2) float array, reproducible by seed.

The lecture's two labelled clouds (``create_dataset``) live in ``genlab.classic.data``.
"""

from __future__ import annotations

import numpy as np

from genlab.errors import check_int, check_number
from genlab.seeding import numpy_rng


def eight_gaussians(n: int, *, seed: int | None = 0, radius: float = 2.0, std: float = 0.02 ** 0.5):
    """Eight Gaussians on a circle: the classic mode-collapse test (see ``eight_gaussian_centers``)."""
    n = check_int("n", n, 1)
    rng = numpy_rng(seed)
    centers = eight_gaussian_centers(radius)
    idx = rng.integers(0, 8, size=n)
    return centers[idx] + std * rng.standard_normal((n, 2))


def eight_gaussian_centers(radius: float = 2.0) -> np.ndarray:
    angles = np.arange(8) * (2 * np.pi / 8)
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def moons(n: int, *, seed: int | None = 0, noise: float = 0.05):
    from sklearn.datasets import make_moons

    n = check_int("n", n, 2)
    check_number("noise", noise, 0)
    x, _ = make_moons(n_samples=n, noise=noise, random_state=numpy_rng(seed).integers(2**31 - 1))
    return (x - np.array([0.5, 0.25])) * 1.5


def rings(n: int, *, seed: int | None = 0, noise: float = 0.05, radii=(0.8, 1.6)):
    n = check_int("n", n, 1)
    rng = numpy_rng(seed)
    r = np.asarray(radii)[rng.integers(0, len(radii), size=n)]
    theta = rng.uniform(0, 2 * np.pi, size=n)
    pts = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)
    return pts + noise * rng.standard_normal((n, 2))


def checkerboard(n: int, *, seed: int | None = 0):
    n = check_int("n", n, 1)
    rng = numpy_rng(seed)
    x1 = rng.uniform(-2, 2, size=n)
    x2 = rng.uniform(0, 1, size=n) + rng.integers(0, 2, size=n) * 2 - 2 + (np.floor(x1) % 2)
    return np.stack([x1, x2], axis=1)


def spiral(n: int, *, seed: int | None = 0, noise: float = 0.05):
    n = check_int("n", n, 1)
    rng = numpy_rng(seed)
    t = np.sqrt(rng.uniform(0, 1, size=n)) * 3 * np.pi
    pts = np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / (1.5 * np.pi)
    return pts + noise * rng.standard_normal((n, 2))


TOY_SETS = {"eight_gaussians": eight_gaussians, "moons": moons, "rings": rings,
            "checkerboard": checkerboard, "spiral": spiral}


def load_toy(name: str, n: int, *, seed: int | None = 0) -> np.ndarray:
    from genlab.errors import check_choice

    check_choice("data", name, TOY_SETS)
    return TOY_SETS[name](n, seed=seed)
