"""The lecture's class-conditional example: p(x | y) for two classes, the marginal p(x) and the
posterior p(y | x), both as the known true densities and as KDE estimates from samples.

Each class is a 1-D two-component normal mixture (the numbers of the lecture's cell):
class 1: 0.9 N(63.2, 2.1^2) + 0.1 N(60.2, 1.6^2);  class 2: 0.8 N(68.2, 2.0^2) + 0.2 N(73.0, 2.3^2).
p(x) = sum_y p(x | y) p(y) (marginalisation), p(y | x) = p(x | y) p(y) / p(x) (Bayes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import logsumexp

from genlab.errors import InputError, check_int, check_number
from genlab.prob.gaussian import LOG_2PI
from genlab.prob.kde import kde_grid
from genlab.seeding import numpy_rng


@dataclass(frozen=True)
class NormalMixture1D:
    weights: tuple[float, ...]
    means: tuple[float, ...]
    stds: tuple[float, ...]

    def logpdf(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)[..., None]
        w, m, s = (np.asarray(v, dtype=np.float64) for v in (self.weights, self.means, self.stds))
        z = (x - m) / s
        return logsumexp(np.log(w) - np.log(s) - 0.5 * LOG_2PI - 0.5 * z * z, axis=-1)

    def pdf(self, x) -> np.ndarray:
        return np.exp(self.logpdf(x))


@dataclass(frozen=True)
class ClassConditionalExample:
    """Two classes with known p(x | y); ``prior`` is p(y)."""

    classes: tuple[NormalMixture1D, NormalMixture1D] = field(default_factory=lambda: (
        NormalMixture1D((0.9, 0.1), (63.2, 60.2), (2.1, 1.6)),
        NormalMixture1D((0.8, 0.2), (68.2, 73.0), (2.0, 2.3)),
    ))
    prior: tuple[float, float] = (0.5, 0.5)

    def conditional(self, x, y: int) -> np.ndarray:
        """p(x | y) for y in {0, 1} (the lecture's class 1 and class 2)."""
        y = check_int("y", y, 0, 1)
        return self.classes[y].pdf(x)

    def marginal(self, x) -> np.ndarray:
        """p(x) = sum_y p(x | y) p(y)."""
        return sum(p * c.pdf(x) for p, c in zip(self.prior, self.classes))

    def posterior(self, x, y: int) -> np.ndarray:
        """p(y | x) = p(x | y) p(y) / p(x)."""
        y = check_int("y", y, 0, 1)
        return self.prior[y] * self.classes[y].pdf(x) / self.marginal(x)

    def sample(self, n_per_class: int = 1200, seed=42) -> tuple[np.ndarray, np.ndarray]:
        """The lecture's synthetic samples: with n=1200 and seed 42, exactly the lecture's x1, x2."""
        n = check_int("n per class", n_per_class, 10, 1_000_000)
        rng = numpy_rng(seed)
        out = []
        for mix in self.classes:
            parts = [rng.normal(m, s, int(w * n)) for w, m, s in zip(mix.weights, mix.means, mix.stds)]
            out.append(np.concatenate(parts))
        return out[0], out[1]


def conditional_kdes(x1, x2, *, n_points: int = 600, bandwidth_rule="silverman", pad: float = 3.0):
    """KDE estimates of p(x | y=1), p(x | y=2) and p(x) on one common grid (the lecture's figure).

    Returns a dict with ``grid`` (m,), ``class1``, ``class2``, ``marginal`` (m,) densities.
    """
    x1 = np.asarray(x1, dtype=np.float64).ravel()
    x2 = np.asarray(x2, dtype=np.float64).ravel()
    for name, v in (("class 1 samples", x1), ("class 2 samples", x2)):
        if v.size < 2:
            raise InputError(name, "too_few_rows", min_rows=2, got=v.size)
        if not np.all(np.isfinite(v)):
            raise InputError(name, "not_finite_array")
    pad = check_number("pad", pad, 0)
    x_all = np.concatenate([x1, x2])
    grid = np.linspace(x_all.min() - pad, x_all.max() + pad, check_int("grid points", n_points, 10, 100_000))
    _, d1 = kde_grid(x1, grid, bandwidth_rule=bandwidth_rule)
    _, d2 = kde_grid(x2, grid, bandwidth_rule=bandwidth_rule)
    _, d_all = kde_grid(x_all, grid, bandwidth_rule=bandwidth_rule)
    return {"grid": grid, "class1": d1, "class2": d2, "marginal": d_all}
