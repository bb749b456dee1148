"""EM against scikit-learn's GaussianMixture (same initial parameters, same iterations), and the
properties EM must have: monotone likelihood, any K and d, float32, the error messages."""

import warnings

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from genlab.classic import em_fit, initial_params
from genlab.errors import InputError
from genlab.prob import MixtureParams


def blobs(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d)) * 3
    z = rng.integers(0, k, n)
    return centres[z] + rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) * 0.5 + 5.0


@pytest.mark.parametrize("engine", ["features", "direct"])
@pytest.mark.parametrize("n,d,k", [(500, 1, 2), (800, 2, 3), (1500, 8, 5), (3000, 16, 8), (400, 3, 1),
                                   (2000, 24, 2)])
def test_matches_sklearn_to_1e8_in_log_likelihood(n, d, k, engine):
    x = blobs(n, d, k, seed=d + k)
    init = initial_params(x, k, "random", rng=np.random.default_rng(0))
    iters = 15
    ours = em_fit(x, k, initial=init, n_iter=iters, early_stop=False, reg_covar=1e-6, engine=engine)
    ref = GaussianMixture(k, covariance_type="full", max_iter=iters, tol=0.0, reg_covar=1e-6,
                          weights_init=init.weights, means_init=init.means,
                          precisions_init=np.linalg.inv(init.covariances))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "did not converge" with tol=0 is expected
        ref.fit(x)
    bounds = np.array(ref.lower_bounds_)  # mean log-likelihood at parameters 0..iters-1
    np.testing.assert_allclose(ours.mean_log_likelihood[:iters], bounds, rtol=1e-8)
    # after iters-1 M-steps sklearn's parameters (before its last M-step) are ours at t = iters-1;
    # its final parameters are ours at t = iters
    np.testing.assert_allclose(ours.means[-1], ref.means_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.covariances[-1], ref.covariances_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.weights[-1], ref.weights_, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("init", ["random", "collapsed", "pca_split"])
def test_plain_em_never_decreases_the_likelihood(init):
    x = blobs(600, 3, 4, seed=1)
    hist = em_fit(x, 4, init=init, n_iter=40, early_stop=False, seed=3)
    assert np.all(np.diff(hist.log_likelihood) >= -1e-8 * np.abs(hist.log_likelihood[:-1]))
    assert hist.weights.shape == (41, 4) and hist.covariances.shape == (41, 4, 3, 3)
    np.testing.assert_allclose(hist.weights.sum(1), 1.0)


def test_damping_slows_but_converges_to_the_same_fit():
    x = blobs(400, 2, 2, seed=4)
    fast = em_fit(x, 2, init="pca_split", n_iter=300, tol=1e-12)
    slow = em_fit(x, 2, init="pca_split", n_iter=300, tol=1e-12, damping=0.3)
    assert slow.n_iter > fast.n_iter
    assert slow.log_likelihood[-1] == pytest.approx(fast.log_likelihood[-1], rel=1e-6)


def test_early_stop_and_tolerance():
    x = blobs(400, 2, 2, seed=5)
    hist = em_fit(x, 2, n_iter=500, tol=1e-6, seed=0)
    assert hist.converged and hist.n_iter < 500
    ll = hist.log_likelihood
    assert abs(ll[-1] - ll[-2]) < 1e-6 * (1 + abs(ll[-2]))
    assert not em_fit(x, 2, n_iter=500, early_stop=False, seed=0).converged


def test_float32_works_and_agrees_with_float64():
    x = blobs(1000, 4, 3, seed=6)
    h64 = em_fit(x, 3, n_iter=100, early_stop=False, seed=1)
    h32 = em_fit(x.astype(np.float32), 3, n_iter=100, early_stop=False, seed=1)
    assert h32.means.dtype == np.float32 and h32.covariances.dtype == np.float32
    # the first iterations agree to float32 precision; the fixed point to float32 round-off noise
    np.testing.assert_allclose(h32.mean_log_likelihood[:5], h64.mean_log_likelihood[:5], rtol=1e-5)
    np.testing.assert_allclose(h32.mean_log_likelihood[-10:], h64.mean_log_likelihood[-1], rtol=1e-3)
    np.testing.assert_allclose(h32.means[-1], h64.means[-1], atol=0.05)


def test_chunk_sizes_and_engines_agree():
    x = blobs(3000, 5, 3, seed=7)
    a = em_fit(x, 3, n_iter=10, early_stop=False, seed=0)
    b = em_fit(x, 3, n_iter=10, early_stop=False, seed=0, chunk_size=257)
    c = em_fit(x, 3, n_iter=10, early_stop=False, seed=0, engine="direct")
    np.testing.assert_allclose(a.log_likelihood, b.log_likelihood, rtol=1e-12)
    np.testing.assert_allclose(a.log_likelihood, c.log_likelihood, rtol=1e-12)
    np.testing.assert_allclose(a.covariances, c.covariances, rtol=1e-9, atol=1e-12)
    with pytest.raises(InputError, match="engine"):
        em_fit(x, 3, engine="gpu")


@pytest.mark.parametrize("engine", ["features", "direct"])
def test_no_subnormal_responsibility_reaches_the_m_step_and_the_fit_is_sklearns(engine, monkeypatch):
    """Two far-apart clusters put the log-responsibilities of the other cluster around -720, where
    exp gives subnormal numbers (40-100x slower in exp and in the M-step's GEMM): none reaches the
    M-step sums, and the fit is still scikit-learn's (which keeps them)."""
    import genlab.classic.em as em

    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-19, 1, (300, 1)), rng.normal(19, 1, (300, 1))])
    gaps = 2 * 19 * np.abs(x[:, 0])   # log r of the other cluster, about
    assert np.mean((gaps > 708) & (gaps < 745)) > 0.2   # many would be subnormal
    smallest = []
    add_stats = {"features": em._FeatureEngine, "direct": em._DirectEngine}[engine].add_stats

    def spy(self, resp, stats):
        smallest.append(resp[resp > 0].min())
        return add_stats(self, resp, stats)

    monkeypatch.setattr({"features": em._FeatureEngine, "direct": em._DirectEngine}[engine], "add_stats", spy)
    init = MixtureParams(np.array([0.4, 0.6]), np.array([[-15.0], [16.0]]), np.array([[[4.0]], [[2.0]]]))
    ours = em_fit(x, 2, initial=init, n_iter=6, early_stop=False, reg_covar=1e-6, engine=engine)
    assert smallest and min(smallest) >= np.finfo(np.float64).tiny
    ref = GaussianMixture(2, covariance_type="full", max_iter=6, tol=0.0, reg_covar=1e-6,
                          weights_init=init.weights, means_init=init.means,
                          precisions_init=np.linalg.inv(init.covariances))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref.fit(x)
    np.testing.assert_allclose(ours.mean_log_likelihood[:6], ref.lower_bounds_, rtol=1e-12)
    np.testing.assert_allclose(ours.means[-1], ref.means_, rtol=1e-12)
    np.testing.assert_allclose(ours.covariances[-1], ref.covariances_, rtol=1e-10)


@pytest.mark.parametrize("slab_rows", [65536, 600])
def test_cache_of_sufficient_statistics_changes_nothing_but_speed(slab_rows, monkeypatch):
    """T(x) kept between iterations (all of it, or the first chunks that fit the budget), read in
    slabs of several chunks, gives the fit of rebuilding it every sweep: the same sums, grouped
    in larger GEMMs, so equal to round-off; the memory kept stays within the budget."""
    import genlab.classic.em as em

    monkeypatch.setattr(em, "SLAB_ROWS", slab_rows)    # 600: two chunks of 300 rows a slab
    x = blobs(3000, 6, 4, seed=3)
    kwargs = dict(n_iter=8, early_stop=False, seed=0, engine="features", chunk_size=300)
    rebuilt = em_fit(x, 4, cache_mb=0, **kwargs)
    chunk_mb = 300 * (6 * 7 // 2 + 6 + 1) * 8 / 2**20
    for cache_mb in (100.0, 3.5 * chunk_mb):  # all ten chunks kept / the first three
        cached = em_fit(x, 4, cache_mb=cache_mb, **kwargs)
        np.testing.assert_allclose(cached.log_likelihood, rebuilt.log_likelihood, rtol=1e-13)
        np.testing.assert_allclose(cached.covariances, rebuilt.covariances, rtol=1e-11, atol=1e-13)

        engine = em._FeatureEngine(6, 300, np.float64, int(cache_mb * 2**20), n_rows=3000)
        for index, block in enumerate(np.array_split(x, 10)):
            assert engine.load(block, index)
        kept_bytes = sum(slab.nbytes for slab in engine.slabs.values())
        assert kept_bytes <= cache_mb * 2**20
        assert engine.kept == set(range(10 if cache_mb == 100.0 else 3))
        assert len(engine.slabs) == -(-len(engine.kept) * 300 // min(slab_rows, 3000))
        # a later sweep: each slab loaded once, at its first chunk, the other chunks built again
        loaded = [index for index in range(10) if engine.load(None if index in engine.kept
                                                              else np.array_split(x, 10)[index], index)]
        assert loaded == sorted(engine.slabs) + list(range(len(engine.kept), 10))
    with pytest.raises(InputError, match="cache_mb"):
        em_fit(x, 4, cache_mb=-1)


def test_bad_input_names_the_parameter():
    x = blobs(50, 2, 2)
    with pytest.raises(InputError, match="damping"):
        em_fit(x, 2, damping=0.0)
    with pytest.raises(InputError, match="damping"):
        em_fit(x, 2, damping=1.5)
    with pytest.raises(InputError, match="X"):
        em_fit(np.r_[x, [[np.nan, 0.0]]], 2)
    with pytest.raises(InputError, match="X"):
        em_fit(x[:1], 2)
    with pytest.raises(InputError, match="init"):
        em_fit(x, 2, init="kmedoids")
    with pytest.raises(InputError, match="labels"):
        em_fit(x, 2, init="from_sets")
    with pytest.raises(InputError, match="labels"):
        em_fit(x, 2, init="from_sets", labels=np.r_[np.zeros(49, int), [1]])
    with pytest.raises(InputError, match="initial"):
        em_fit(x, 2, initial=MixtureParams(np.ones(1), np.zeros((1, 2)), np.eye(2)[None]))
    # a collapsed component with no regularisation: the covariance is singular
    dup = np.repeat([[0.0, 0.0], [1.0, 1.0]], 20, axis=0)
    with pytest.raises(InputError, match="covariances"):
        em_fit(dup, 2, init="from_sets", labels=np.repeat([0, 1], 20), reg_covar=0.0)
