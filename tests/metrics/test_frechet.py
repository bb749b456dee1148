import numpy as np
import pytest
import scipy.linalg

from genlab.errors import InputError
from genlab.metrics import frechet_distance, gaussian_frechet_distance


def scipy_reference(a, b):
    """The FID formula as pytorch-fid writes it, with scipy.linalg.sqrtm."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = scipy.linalg.sqrtm(s_a @ s_b).real
    return float(np.sum((mu_a - mu_b) ** 2) + np.trace(s_a) + np.trace(s_b) - 2 * np.trace(covmean))


def test_matches_scipy_sqrtm_reference():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((400, 6)) @ rng.standard_normal((6, 6))
    b = rng.standard_normal((300, 6)) @ rng.standard_normal((6, 6)) + 0.5
    assert frechet_distance(a, b) == pytest.approx(scipy_reference(a, b), rel=1e-6)


def test_closed_form_for_commuting_covariances():
    # diagonal covariances commute: d^2 = |mu_a - mu_b|^2 + sum (sqrt(s_a) - sqrt(s_b))^2
    mu_a, mu_b = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    s_a, s_b = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.25])
    expected = np.sum((mu_a - mu_b) ** 2) + np.sum((np.sqrt(s_a) - np.sqrt(s_b)) ** 2)
    got = gaussian_frechet_distance(mu_a, np.diag(s_a), mu_b, np.diag(s_b))
    assert got == pytest.approx(expected, rel=1e-10)


def test_zero_for_identical_sets_and_symmetric():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((200, 4)), rng.standard_normal((200, 4)) * 2
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-9)
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-8)


def test_bad_shapes():
    with pytest.raises(InputError, match="features_b"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(InputError, match="features_a"):
        frechet_distance(np.zeros(5), np.zeros((5, 4)))
