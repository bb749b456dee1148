"""KDE (KDEpy FFT on grids, SciPy exact) against scipy.stats.gaussian_kde and the lecture's own
O(n m) kde_1d; the class-conditional example against the lecture's synthetic data."""

import numpy as np
import pytest
from scipy.stats import gaussian_kde

from genlab.errors import InputError
from genlab.prob import ClassConditionalExample, bandwidth, conditional_kdes, kde_exact, kde_grid
from genlab.prob.kde import bandwidth_factor


def lecture_kde_1d(x, grid, bandwidth=None):
    """The lecture's kde_1d (section 1), copied verbatim."""
    x = np.asarray(x, dtype=float).ravel()
    n = x.size
    if n < 2:
        raise ValueError("Need at least 2 samples for KDE.")
    if bandwidth is None:
        std = np.std(x, ddof=1)
        bandwidth = 1.06 * std * (n ** (-1/5))
        bandwidth = max(bandwidth, 1e-6)
    u = (grid[:, None] - x[None, :]) / bandwidth
    kernel = np.exp(-0.5 * u**2) / np.sqrt(2 * np.pi)
    return kernel.mean(axis=1) / bandwidth


@pytest.mark.parametrize("rule", ["silverman", "scott"])
def test_bandwidth_rules_are_scipys(rule):
    x = np.random.default_rng(0).gamma(2.0, size=500)
    kde = gaussian_kde(x, bw_method=rule)
    assert bandwidth_factor(500, 1, rule) == pytest.approx(kde.factor, rel=1e-12)
    assert bandwidth(x, rule) == pytest.approx(np.sqrt(kde.covariance[0, 0]), rel=1e-12)


@pytest.mark.parametrize("rule", ["silverman", "scott", 0.3])
@pytest.mark.parametrize("n", [1000, 50_000])
def test_fft_grid_matches_exact_kde(rule, n):
    rng = np.random.default_rng(n)
    x = np.r_[rng.normal(0, 1, n // 2), rng.normal(4, 0.5, n - n // 2)]
    grid, fast = kde_grid(x, bandwidth_rule=rule, n_points=600)
    exact = kde_exact(x, grid, bandwidth_rule=rule)
    mask = exact > 1e-3 * exact.max()
    assert np.max(np.abs(fast[mask] - exact[mask]) / exact[mask]) <= 1e-3
    assert abs(np.trapezoid(fast, grid) - 1) < 1e-3


def test_exact_kde_is_the_lectures_kde_1d():
    x = np.random.default_rng(1).normal(size=700)
    grid = np.linspace(-6, 6, 300)
    h = 1.06 * np.std(x, ddof=1) * x.size ** (-1 / 5)
    np.testing.assert_allclose(kde_exact(x, grid, bandwidth_rule=h), lecture_kde_1d(x, grid), rtol=1e-10)
    _, fast = kde_grid(x, grid, bandwidth_rule=h)
    ref = lecture_kde_1d(x, grid)
    mask = ref > 1e-3 * ref.max()
    assert np.max(np.abs(fast[mask] - ref[mask]) / ref[mask]) <= 1e-3


def test_grid_not_covering_the_data_still_works():
    x = np.random.default_rng(2).normal(size=2000)
    grid = np.linspace(-1, 1, 101)  # data extend beyond the grid
    _, fast = kde_grid(x, grid)
    np.testing.assert_allclose(fast, kde_exact(x, grid), rtol=1e-3)


def test_exact_kde_in_2d_is_scipy():
    x = np.random.default_rng(3).normal(size=(300, 2))
    pts = np.random.default_rng(4).normal(size=(20, 2))
    np.testing.assert_allclose(kde_exact(x, pts, bandwidth_rule="scott"), gaussian_kde(x.T)(pts.T))


def test_kde_errors_name_the_parameter():
    with pytest.raises(InputError, match="x"):
        kde_grid([1.0])
    with pytest.raises(InputError, match="x"):
        kde_grid([1.0, np.inf, 2.0])
    with pytest.raises(InputError, match="grid"):
        kde_grid(np.arange(10.0), np.array([0.0, 1.0, 3.0]))
    with pytest.raises(InputError, match="bandwidth"):
        kde_grid(np.arange(10.0), bandwidth_rule="isj")
    with pytest.raises(InputError, match="bandwidth"):
        kde_grid(np.arange(10.0), bandwidth_rule=-1.0)
    with pytest.raises(InputError, match="points"):
        kde_exact(np.zeros((5, 2)) + np.arange(5)[:, None], np.zeros((3, 3)))


def test_class_conditional_example_is_the_lectures_data():
    rng = np.random.default_rng(42)  # the lecture's cell, verbatim
    n1, n2 = 1200, 1200
    x1 = np.r_[rng.normal(63.2, 2.1, int(0.9 * n1)), rng.normal(60.2, 1.6, int(0.1 * n1))]
    x2 = np.r_[rng.normal(68.2, 2.0, int(0.8 * n2)), rng.normal(73.0, 2.3, int(0.2 * n2))]
    a, b = ClassConditionalExample().sample(1200, seed=42)
    np.testing.assert_array_equal(a, x1)
    np.testing.assert_array_equal(b, x2)


def test_conditional_marginal_posterior_are_consistent():
    ex = ClassConditionalExample()
    g = np.linspace(40, 95, 5001)
    for y in (0, 1):
        assert abs(np.trapezoid(ex.conditional(g, y), g) - 1) < 1e-6
    assert abs(np.trapezoid(ex.marginal(g), g) - 1) < 1e-6
    np.testing.assert_allclose(ex.posterior(g, 0) + ex.posterior(g, 1), 1.0, atol=1e-12)
    # the KDE estimates approach the truth
    x1, x2 = ex.sample(20_000, seed=0)
    k = conditional_kdes(x1, x2)
    err = np.abs(k["marginal"] - ex.marginal(k["grid"])).max() / ex.marginal(k["grid"]).max()
    assert err < 0.05
    with pytest.raises(InputError, match="class 1"):
        conditional_kdes([1.0], x2)
