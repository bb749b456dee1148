"""genlab.prob densities against SciPy, brute force and the lecture's own formulas."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from genlab.errors import InputError
from genlab.prob import (LECTURE_MIXTURE, MixtureParams, covariance, density_grid, mean,
                         mixture_covariance, mixture_logpdf, mixture_mean, mixture_sample, mvn_logpdf,
                         mvn_sample, normal_pdf, responsibilities, std, variance)


def lecture_mvn_pdf_grid(X, Y, mean, cov):
    """The lecture's mvn_pdf_grid (section 1), copied verbatim."""
    mean = np.asarray(mean, dtype=float).reshape(2,)
    cov = np.asarray(cov, dtype=float).reshape(2, 2)
    pos = np.stack([X, Y], axis=-1)
    diff = pos - mean
    inv_cov = np.linalg.inv(cov)
    det_cov = np.linalg.det(cov)
    quad = np.einsum("...i,ij,...j->...", diff, inv_cov, diff)
    norm = 1.0 / (2.0 * np.pi * np.sqrt(det_cov))
    return norm * np.exp(-0.5 * quad)


def random_spd(rng, d, k=None):
    a = rng.normal(size=(d, d) if k is None else (k, d, d))
    return a @ np.swapaxes(a, -1, -2) + 0.5 * np.eye(d)


@pytest.mark.parametrize("d", [1, 2, 5, 20])
def test_mvn_logpdf_matches_scipy(d):
    rng = np.random.default_rng(d)
    m, c = rng.normal(size=d), random_spd(rng, d)
    x = rng.normal(size=(50, d)) * 3
    np.testing.assert_allclose(mvn_logpdf(x, m, c), multivariate_normal(m, c).logpdf(x), rtol=1e-10)


def test_mvn_float32_stays_float32_and_close():
    rng = np.random.default_rng(0)
    m, c = rng.normal(size=3), random_spd(rng, 3)
    x = rng.normal(size=(40, 3))
    out32 = mvn_logpdf(x.astype(np.float32), m.astype(np.float32), c.astype(np.float32))
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, mvn_logpdf(x, m, c), rtol=1e-5)


def test_log_space_is_finite_where_the_density_underflows():
    x = np.array([[40.0, -40.0]])
    lp = mvn_logpdf(x, np.zeros(2), np.eye(2) * 0.5)
    assert np.isfinite(lp).all() and lp[0] < -3000  # exp() would be exactly 0


def test_bad_inputs_name_the_parameter():
    with pytest.raises(InputError, match="cov"):
        mvn_logpdf(np.zeros((2, 2)), np.zeros(2), np.array([[1.0, 1.0], [1.0, 1.0]]))
    with pytest.raises(InputError, match="x"):
        mvn_logpdf(np.array([[np.nan, 0.0]]), np.zeros(2), np.eye(2))
    with pytest.raises(InputError, match="x"):
        mvn_logpdf(np.zeros((3, 3)), np.zeros(2), np.eye(2))
    with pytest.raises(InputError, match="weights"):
        MixtureParams.checked([0.7, 0.7], np.zeros((2, 2)), np.stack([np.eye(2)] * 2))
    with pytest.raises(InputError, match="covariances"):
        MixtureParams.checked([0.5, 0.5], np.zeros((2, 2)), np.stack([np.eye(2), np.zeros((2, 2))]))


def test_lecture_surface_matches_the_lecture_formula():
    gx, gy, z = density_grid(LECTURE_MIXTURE, (-5, 5), (-5, 5), 260)
    p = LECTURE_MIXTURE
    ref = sum(p.weights[k] * lecture_mvn_pdf_grid(gx, gy, p.means[k], p.covariances[k]) for k in range(2))
    np.testing.assert_allclose(z, ref, rtol=1e-12, atol=1e-300)
    # and it is a density: the grid integral is ~1
    assert abs(np.trapezoid(np.trapezoid(z, gx[0], axis=1), gy[:, 0]) - 1) < 1e-3


@pytest.mark.parametrize("k,d", [(1, 1), (3, 2), (4, 6)])
def test_mixture_logpdf_and_posterior_by_brute_force(k, d):
    rng = np.random.default_rng(k * 10 + d)
    w = rng.dirichlet(np.ones(k))
    params = MixtureParams.checked(w, rng.normal(size=(k, d)) * 2, random_spd(rng, d, k))
    x = rng.normal(size=(30, d)) * 2
    dens = np.stack([w[j] * multivariate_normal(params.means[j], params.covariances[j]).pdf(x)
                     for j in range(k)], axis=1).reshape(30, k)
    np.testing.assert_allclose(mixture_logpdf(x, params), np.log(dens.sum(1)), rtol=1e-10)
    np.testing.assert_allclose(responsibilities(x, params), dens / dens.sum(1, keepdims=True), atol=1e-12)


def test_sampling_is_reproducible_and_has_the_mixture_moments():
    a, za = mixture_sample(200_000, LECTURE_MIXTURE, seed=3)
    b, zb = mixture_sample(200_000, LECTURE_MIXTURE, seed=3)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(za, zb)
    assert not np.array_equal(a[:10], mixture_sample(10, LECTURE_MIXTURE, seed=4)[0])
    np.testing.assert_allclose(mean(a), mixture_mean(LECTURE_MIXTURE), atol=0.02)
    np.testing.assert_allclose(covariance(a), mixture_covariance(LECTURE_MIXTURE), atol=0.03)
    np.testing.assert_allclose(np.bincount(za) / za.size, LECTURE_MIXTURE.weights, atol=0.005)
    # conditioning on a component samples p(x | z = k)
    xk, zk = mixture_sample(50_000, LECTURE_MIXTURE, seed=0, component=1)
    assert (zk == 1).all()
    np.testing.assert_allclose(covariance(xk), LECTURE_MIXTURE.covariances[1], atol=0.03)
    with pytest.raises(InputError, match="component"):
        mixture_sample(5, LECTURE_MIXTURE, component=2)


def test_mvn_sample_covariance():
    rng = np.random.default_rng(0)
    c = random_spd(rng, 3)
    x = mvn_sample(100_000, np.ones(3), c, rng)
    np.testing.assert_allclose(np.cov(x.T), c, atol=0.05 * np.abs(c).max())


def test_moments_match_numpy():
    x = np.random.default_rng(0).normal(size=(100, 3))
    np.testing.assert_allclose(variance(x), np.var(x, axis=0, ddof=1))
    np.testing.assert_allclose(variance(x, ddof=0), np.var(x, axis=0))
    np.testing.assert_allclose(std(x), np.std(x, axis=0, ddof=1))
    np.testing.assert_allclose(covariance(x), np.cov(x.T))
    with pytest.raises(InputError, match="x"):
        variance([1.0])
    with pytest.raises(InputError, match="ddof"):
        variance(x, ddof=-1)


def test_normal_pdf_and_errors():
    x = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(normal_pdf(x, 1.0, 2.0), multivariate_normal(1.0, 4.0).pdf(x), rtol=1e-12)
    with pytest.raises(InputError, match="sigma"):
        normal_pdf(x, 0.0, 0.0)


def test_gaussian_kl_is_the_closed_form_and_torch_distributions():
    import torch
    from scipy.integrate import quad

    from genlab.prob import gaussian_kl

    mu, sigma = np.array([0.0, 1.5, -2.0]), np.array([1.0, 0.3, 2.5])
    # the VAE's form against N(0, 1), with its factor 1/2
    np.testing.assert_allclose(gaussian_kl(mu, sigma), 0.5 * (mu ** 2 + sigma ** 2 - np.log(sigma ** 2) - 1),
                               rtol=1e-12, atol=1e-15)
    # the definition, integrated numerically: E_q[log q - log p]
    for m, s, mp, sp in ((1.5, 0.3, 0.0, 1.0), (-2.0, 2.5, 1.0, 0.7)):
        def integrand(x):
            log_q = -0.5 * ((x - m) / s) ** 2 - np.log(s) - 0.5 * np.log(2 * np.pi)
            log_p = -0.5 * ((x - mp) / sp) ** 2 - np.log(sp) - 0.5 * np.log(2 * np.pi)
            return np.exp(log_q) * (log_q - log_p)
        value, _ = quad(integrand, m - 12 * s, m + 12 * s)
        assert gaussian_kl(m, s, mp, sp) == pytest.approx(value, rel=1e-8)
    # torch tensors: the same numbers as torch.distributions, and gradients flow
    t_mu = torch.tensor(mu, requires_grad=True)
    t_sigma = torch.tensor(sigma)
    kl = gaussian_kl(t_mu, t_sigma, 0.5, 2.0)
    ref = torch.distributions.kl_divergence(torch.distributions.Normal(t_mu, t_sigma),
                                            torch.distributions.Normal(0.5, 2.0))
    torch.testing.assert_close(kl, ref)
    kl.sum().backward()
    torch.testing.assert_close(t_mu.grad, (t_mu.detach() - 0.5) / 4.0)
    assert gaussian_kl(0.0, 1.0) == 0.0
