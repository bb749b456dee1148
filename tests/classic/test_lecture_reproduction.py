"""genlab.classic reproduces the lecture's own functions (tests/classic/lecture_reference.py, copied
verbatim from the lecture) to floating-point precision."""

import lecture_reference as lecture
import numpy as np
import pytest

from genlab.classic import create_dataset, em_fit, gmm2_em_history, logistic_regression_gd_path

DATA = dict(n1=100, n2=100, separation=2.6, cov_scale=0.9, rotate_deg=20.0)


@pytest.fixture(scope="module")
def clouds():
    return create_dataset(**DATA, seed=1)


@pytest.mark.parametrize("seed", [0, 5])
def test_create_dataset_is_the_lectures(seed):
    for a, b in zip(create_dataset(**DATA, seed=seed), lecture.create_dataset(**DATA, seed=seed)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kw", [
    dict(lr=0.1, n_iters=50),
    dict(lr=0.5, n_iters=30, l2=0.1, fit_intercept=False),
    dict(n_iters=20, l2=1e-2, lr_mode="warmup", warmup_power=3.0),
    dict(n_iters=40, lr_mode="warmup", lr_max=0.3, seed=3),
])
def test_logistic_regression_path_is_the_lectures(clouds, kw):
    x1, x2 = clouds
    ours = logistic_regression_gd_path(x1, x2, **kw)
    w, b, loss = lecture.logistic_regression_gd_path(x1, x2, **kw)
    np.testing.assert_allclose(ours.w, w, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ours.b, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ours.loss, loss, rtol=1e-12)


def test_warmup_lr_max_is_the_lipschitz_bound(clouds):
    x1, x2 = clouds
    x = np.vstack([x1, x2])
    path = logistic_regression_gd_path(x1, x2, n_iters=10, l2=0.01, lr_mode="warmup")
    assert path.lr_max == pytest.approx(0.9 / (0.25 * np.sum(x * x) / len(x) + 0.01 + 1e-12))
    assert path.step[-1] == pytest.approx(path.lr_max)
    assert np.all(np.diff(path.step) > 0)


@pytest.mark.parametrize("init", ["from_sets", "random", "collapsed", "pca_split"])
@pytest.mark.parametrize("early_stop", [False, True])
@pytest.mark.parametrize("damping", [0.25, 1.0])
def test_em_history_is_the_lectures(clouds, init, early_stop, damping):
    x1, x2 = clouds
    ours = gmm2_em_history(x1, x2, n_iters=60, init=init, damping=damping, early_stop=early_stop, seed=2)
    params, _, r = lecture.gmm2_em_and_sample_history(x1, x2, n_iters=60, init=init, damping=damping,
                                                      early_stop=early_stop, seed=2)
    hist, ll = params["history"], params["loglik_path"]
    t = ours.n_iter + 1  # our snapshots 0..T; the lecture repeats the last one after an early stop
    assert len(ll) == t if (early_stop and ours.converged) else len(ll) == t - 1
    np.testing.assert_allclose(ours.log_likelihood[:len(ll)], ll, rtol=1e-10)
    np.testing.assert_allclose(ours.weights, hist["pi_path"][:t], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.means, hist["mu_path"][:t], rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(ours.covariances, hist["Sigma_path"][:t], rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(ours.params(-1).means, params["mu"], rtol=1e-9, atol=1e-11)


def test_plain_em_is_the_lectures_gmm2_em_and_sample(clouds):
    x1, x2 = clouds
    params, _, _ = lecture.gmm2_em_and_sample(x1, x2, n_iters=100, tol=1e-8)
    labels = np.r_[np.zeros(len(x1), int), np.ones(len(x2), int)]
    ours = em_fit(np.vstack([x1, x2]), 2, init="from_sets", labels=labels, n_iter=100, tol=1e-8,
                  damping=1.0, early_stop=True)
    np.testing.assert_allclose(ours.log_likelihood, params["loglik_path"], rtol=1e-10)
    np.testing.assert_allclose(ours.params(-1).covariances, params["Sigma"], rtol=1e-9, atol=1e-11)


def test_bad_sets_name_the_parameter(clouds):
    from genlab.errors import InputError

    x1, x2 = clouds
    with pytest.raises(InputError, match="X2"):
        logistic_regression_gd_path(x1, x2[:, :1])
    with pytest.raises(InputError, match="X2"):
        gmm2_em_history(x1, np.c_[x2, x2])
    with pytest.raises(InputError, match="X1"):
        logistic_regression_gd_path(x1[:1], x2)
    with pytest.raises(InputError, match="X1"):
        gmm2_em_history(np.r_[x1, [[np.inf, 0.0]]], x2)
    with pytest.raises(InputError, match="lr_mode"):
        logistic_regression_gd_path(x1, x2, lr_mode="cosine")
    with pytest.raises(InputError, match="damping"):
        gmm2_em_history(x1, x2, damping=0.0)
    with pytest.raises(InputError, match="n1"):
        create_dataset(n1=1)
