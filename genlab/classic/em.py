"""Expectation-maximisation for a Gaussian mixture with full covariances, any K and d, recording
its whole history (the lecture's ``gmm2_em_and_sample_history`` for K components).

One EM iteration at parameters theta_t = (pi, mu, Sigma):

* E-step: r_ik = pi_k N(x_i | mu_k, Sigma_k) / sum_j pi_j N(x_i | mu_j, Sigma_j), and the
  log-likelihood l_t = sum_i log sum_k pi_k N(x_i | mu_k, Sigma_k).
* M-step: N_k = sum_i r_ik, pi_k = N_k / n, mu_k = sum_i r_ik x_i / N_k,
  Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k + reg_covar I.
* Damping a in (0, 1]: theta_{t+1} = (1 - a) theta_t + a theta_new (a = 1 is plain EM).

Why it is fast: the Gaussian is an exponential family, log N(x | mu, Sigma) = eta . T(x) - A, with
sufficient statistics T(x) = (x_i x_j for i <= j, x, 1). Stacking T(x) for a block of points into
a matrix Phi (rows: points, p = d(d+1)/2 + d + 1 columns), the E-step for all K components is ONE
matrix product Phi @ eta (p x K), and the M-step's weighted sums sum_i r_ik T(x_i) are ONE more,
R^T @ Phi. Both are BLAS GEMMs, done block by block in a single sweep over the data (no Python loop
over points, no n x d temporary per component). The data are centred first, which keeps the
expanded quadratic forms accurate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genlab.errors import InputError, check_array, check_choice, check_int, check_number
from genlab.prob.gaussian import LOG_2PI, float_dtype
from genlab.prob.mixture import MixtureParams
from genlab.seeding import numpy_rng

INITS = ("from_sets", "random", "collapsed", "pca_split")
EPS_NK = 10 * np.finfo(np.float64).eps  # added to N_k as scikit-learn does (empty components)


@dataclass
class EMHistory:
    """Parameters and log-likelihood at every iteration t = 0..T (t = 0 is the initialisation).

    weights (T+1, K), means (T+1, K, d), covariances (T+1, K, d, d), log_likelihood (T+1,) the
    total sum_i log p(x_i | theta_t); ``converged`` is True when early stopping fired.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    log_likelihood: np.ndarray
    n_samples: int
    converged: bool

    @property
    def n_iter(self) -> int:
        """The number of M-steps done (T)."""
        return self.weights.shape[0] - 1

    @property
    def mean_log_likelihood(self) -> np.ndarray:
        return self.log_likelihood / self.n_samples

    def params(self, t: int = -1) -> MixtureParams:
        return MixtureParams(self.weights[t], self.means[t], self.covariances[t])


def _sample_cov(x: np.ndarray) -> np.ndarray:
    """np.cov(x.T) with ddof=1, always (d, d) (the lecture's ``empirical_cov``)."""
    d = x.shape[1]
    if len(x) <= 1:
        return np.eye(d, dtype=x.dtype)
    return np.atleast_2d(np.cov(x.T, bias=False)).astype(x.dtype, copy=False)


def initial_params(x: np.ndarray, n_components: int, init: str, *, labels=None,
                   reg_covar: float = 1e-6, rng: np.random.Generator) -> MixtureParams:
    """The lecture's initialisations, for any K.

    * from_sets: component k starts at the mean/covariance/share of the points labelled k.
    * random: means at K distinct random points, every covariance the data covariance, equal pi.
    * collapsed: all means at the global mean + 0.05 N(0, I) jitter (EM must split them slowly).
    * pca_split: means spread along the first principal axis, m + 0.35 s v * linspace(-1, 1, K),
      weights proportional to linspace(0.55, 0.45, K) (asymmetric, breaks the symmetry).
    """
    n, d = x.shape
    k_total = n_components
    eye = np.eye(d, dtype=x.dtype)
    if init == "from_sets":
        if labels is None:
            raise InputError("labels", "custom",
                             text_en="init='from_sets' needs the labels of the points",
                             text_ru="init='from_sets' требует метки точек")
        labels = np.asarray(labels)
        if labels.shape != (n,):
            raise InputError("labels", "bad_shape", expected=f"({n},)", got=str(labels.shape))
        sets = [x[labels == k] for k in range(k_total)]
        for k, s in enumerate(sets):
            if len(s) < 2:
                raise InputError("labels", "custom", text_en=f"set {k} has {len(s)} points; needs >= 2",
                                 text_ru=f"в наборе {k} {len(s)} точек; нужно >= 2")
        means = np.stack([s.mean(axis=0) for s in sets])
        covs = np.stack([_sample_cov(s) for s in sets]) + reg_covar * eye
        weights = np.array([len(s) for s in sets], dtype=x.dtype)
        weights = weights / weights.sum()
    elif init == "random":
        means = x[rng.choice(n, size=k_total, replace=False)].copy()
        covs = np.stack([_sample_cov(x)] * k_total) + reg_covar * eye
        weights = np.full(k_total, 1.0 / k_total, dtype=x.dtype)
    elif init == "collapsed":
        jitter = 0.05 * rng.standard_normal((k_total, d))
        means = np.stack([x.mean(axis=0)] * k_total) + jitter
        covs = np.stack([_sample_cov(x)] * k_total) + reg_covar * eye
        weights = np.full(k_total, 1.0 / k_total, dtype=x.dtype)
    elif init == "pca_split":
        m = x.mean(axis=0)
        c = _sample_cov(x)
        vals, vecs = np.linalg.eigh(c)
        v = vecs[:, -1]
        delta = 0.35 * np.sqrt(max(vals[-1], 1e-12))
        offsets = np.linspace(-1.0, 1.0, k_total) if k_total > 1 else np.zeros(1)
        means = m + delta * offsets[:, None] * v
        covs = np.stack([c] * k_total) + reg_covar * eye
        weights = np.linspace(0.55, 0.45, k_total) if k_total > 1 else np.ones(1)
        weights = weights / weights.sum()
    else:
        check_choice("init", init, INITS)
    return MixtureParams(np.asarray(weights, x.dtype), np.asarray(means, x.dtype),
                         np.asarray(covs, x.dtype))


# ---------- the sufficient-statistics formulation ----------

def _n_features(d: int) -> int:
    return d * (d + 1) // 2 + d + 1


def sufficient_statistics(x: np.ndarray) -> np.ndarray:
    """T(x) = (x_i x_j for i <= j in np.triu_indices order, x, 1) for each row: (n, p)."""
    return _statistics_t(x).T


def _statistics_t(x: np.ndarray) -> np.ndarray:
    """T(x) stored transposed, (p, n): each statistic is one contiguous row, so building it is d
    vectorised products of contiguous rows (no strided writes, no loop over points)."""
    n, d = x.shape
    q = d * (d + 1) // 2
    xt = np.ascontiguousarray(x.T)                      # (d, n)
    phi = np.empty((_n_features(d), n), dtype=x.dtype)
    row = 0
    for i in range(d):
        np.multiply(xt[i], xt[i:], out=phi[row: row + d - i])
        row += d - i
    phi[q: q + d] = xt
    phi[-1] = 1.0
    return phi


def natural_parameters(params: MixtureParams, *, param: str = "covariances") -> np.ndarray:
    """eta (p, K) with log pi_k + log N(x | mu_k, Sigma_k) = T(x) . eta[:, k]."""
    k_total, d = params.means.shape
    iu, ju = np.triu_indices(d)
    covs = np.asarray(params.covariances, dtype=np.float64)
    try:
        chol = np.linalg.cholesky(covs)
    except np.linalg.LinAlgError:
        raise InputError(param, "singular") from None
    eye = np.broadcast_to(np.eye(d), covs.shape)
    chol_inv = np.linalg.solve(chol, eye)                       # L^{-1}, (K, d, d)
    prec = np.swapaxes(chol_inv, 1, 2) @ chol_inv               # Sigma^{-1} = L^{-T} L^{-1}
    means = np.asarray(params.means, dtype=np.float64)
    prec_mu = np.einsum("kij,kj->ki", prec, means)              # (K, d)
    log_det = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    with np.errstate(divide="ignore"):
        log_w = np.log(np.asarray(params.weights, dtype=np.float64))
    quad_coef = -prec[:, iu, ju] * np.where(iu == ju, 0.5, 1.0)  # (K, q)
    const = log_w - 0.5 * (d * LOG_2PI + log_det + np.einsum("ki,ki->k", means, prec_mu))
    return np.concatenate([quad_coef, prec_mu, const[:, None]], axis=1).T  # (p, K)


class _FeatureSweeper:
    """One pass over the (centred) data in row blocks: log-likelihood and sum_i r_ik T(x_i),
    each block's E-step and M-step sums as one GEMM on the sufficient statistics T(x)."""

    def __init__(self, x: np.ndarray, cache_mb: float = 1024.0):
        self.x = x
        n, d = x.shape
        p = _n_features(d)
        self.block = int(max(256, min(n, 2**20 // p)))
        cache = n * p * x.itemsize <= cache_mb * 2**20
        self.cached = ([_statistics_t(x[s: s + self.block]) for s in range(0, n, self.block)]
                       if cache else None)

    def blocks(self):
        """T(x) of each block of rows, transposed: (p, b)."""
        if self.cached is not None:
            yield from self.cached
        else:
            for s in range(0, self.x.shape[0], self.block):
                yield _statistics_t(self.x[s: s + self.block])

    def sweep(self, params: MixtureParams, want_stats: bool = True):
        eta = natural_parameters(params, param="covariances (try a larger reg_covar)")
        eta_t = np.ascontiguousarray(eta.T, dtype=self.x.dtype)   # (K, p)
        total_ll = 0.0
        stats = np.zeros(eta_t.shape, dtype=np.float64) if want_stats else None
        for phi_t in self.blocks():
            log_joint = eta_t @ phi_t                            # (K, b): E-step, one GEMM
            top = log_joint.max(axis=0)
            np.subtract(log_joint, top, out=log_joint)
            np.exp(log_joint, out=log_joint)
            norm = log_joint.sum(axis=0)
            total_ll += float(np.sum(np.log(norm)) + np.sum(top))
            if want_stats:
                log_joint /= norm                                # responsibilities r_ik
                stats += log_joint @ phi_t.T                     # M-step sums, one GEMM
        return total_ll, stats


class _DirectSweeper:
    """The same pass computed from x itself: for few components in many dimensions T(x) has
    d(d+1)/2 columns to read for only K outputs, and whitening x with each Cholesky factor is
    cheaper. Per component: E-step one GEMM x @ U_k (Sigma_k^{-1} = U_k U_k^T), M-step sums one
    GEMM (r_k x)^T x."""

    def __init__(self, x: np.ndarray, n_components: int):
        self.x = x
        n, d = x.shape
        self.block = int(max(256, min(n, 2**20 // (n_components * d))))

    def sweep(self, params: MixtureParams, want_stats: bool = True):
        x = self.x
        n, d = x.shape
        k_total = params.n_components
        covs = np.asarray(params.covariances, dtype=np.float64)
        try:
            chol = np.linalg.cholesky(covs)
        except np.linalg.LinAlgError:
            raise InputError("covariances (try a larger reg_covar)", "singular") from None
        prec_chol = np.swapaxes(np.linalg.solve(chol, np.broadcast_to(np.eye(d), covs.shape)), 1, 2)
        prec_chol_x = prec_chol.astype(x.dtype)
        shift = np.einsum("ki,kij->kj", np.asarray(params.means, np.float64), prec_chol)  # (K, d)
        log_det = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
        with np.errstate(divide="ignore"):
            const = np.log(np.asarray(params.weights, np.float64)) - 0.5 * (d * LOG_2PI + log_det)
        iu, ju = np.triu_indices(d)
        q = iu.size
        total_ll = 0.0
        stats = np.zeros((k_total, _n_features(d))) if want_stats else None
        for s in range(0, n, self.block):
            xb = x[s: s + self.block]
            log_joint = np.empty((len(xb), k_total))
            for k in range(k_total):  # few components: one (b, d) x (d, d) GEMM each
                z = xb @ prec_chol_x[k]
                z -= shift[k]
                log_joint[:, k] = const[k] - 0.5 * np.einsum("ij,ij->i", z, z)
            top = log_joint.max(axis=1, keepdims=True)
            resp = np.exp(log_joint - top)
            norm = resp.sum(axis=1, keepdims=True)
            total_ll += float(np.sum(np.log(norm)) + np.sum(top))
            if want_stats:
                resp /= norm
                for k in range(k_total):  # sum_i r_ik x_i x_i^T, one GEMM per component
                    stats[k, :q] += ((xb * resp[:, k: k + 1]).T @ xb)[iu, ju]
                stats[:, q: q + d] += resp.T @ xb
                stats[:, -1] += resp.sum(axis=0)
        return total_ll, stats


ENGINES = ("auto", "features", "direct")


def _make_sweeper(x: np.ndarray, n_components: int, engine: str, cache_mb: float):
    """"features" unless there are few components for the dimension (4 K < d): measured in
    benchmarks/bench_em.py, T(x)'s d(d+1)/2 columns then cost more to read than they save."""
    check_choice("engine", engine, ENGINES)
    if engine == "auto":
        engine = "direct" if 4 * n_components < x.shape[1] else "features"
    return _DirectSweeper(x, n_components) if engine == "direct" else _FeatureSweeper(x, cache_mb)


def m_step(stats: np.ndarray, n: int, d: int, reg_covar: float, dtype) -> MixtureParams:
    """New (pi, mu, Sigma) in centred coordinates from S = sum_i r_ik T(x_i), shape (K, p)."""
    q = d * (d + 1) // 2
    iu, ju = np.triu_indices(d)
    k_total = stats.shape[0]
    r_sum = stats[:, -1]
    nk = r_sum + EPS_NK
    sum_x = stats[:, q: q + d]
    sum_xx = np.zeros((k_total, d, d))
    sum_xx[:, iu, ju] = stats[:, :q]
    sum_xx[:, ju, iu] = stats[:, :q]
    mu = sum_x / nk[:, None]
    # sum_i r_ik (x_i - mu)(x_i - mu)^T expanded into the sufficient statistics
    outer = np.einsum("ki,kj->kij", mu, sum_x)
    scatter = sum_xx - outer - np.swapaxes(outer, 1, 2) + r_sum[:, None, None] * np.einsum("ki,kj->kij", mu, mu)
    cov = scatter / nk[:, None, None] + reg_covar * np.eye(d)
    cov = 0.5 * (cov + np.swapaxes(cov, 1, 2))
    return MixtureParams((nk / n).astype(dtype), mu.astype(dtype), cov.astype(dtype))


def _check_em_args(n_components, n_iter, tol, reg_covar, damping):
    n_components = check_int("n_components", n_components, 1, 256)
    n_iter = check_int("n_iter", n_iter, 0, 100_000)
    tol = check_number("tol", tol, 0)
    reg_covar = check_number("reg_covar", reg_covar, 0)
    damping = check_number("damping", damping, 0, 1, lo_open=True)
    return n_components, n_iter, tol, reg_covar, damping


def em_fit(x, n_components: int = 2, *, init: str = "pca_split", labels=None,
           initial: MixtureParams | None = None, n_iter: int = 100, tol: float = 1e-6,
           reg_covar: float = 1e-6, damping: float = 1.0, early_stop: bool = True, seed=0,
           cache_mb: float = 1024.0, engine: str = "auto", callback=None) -> EMHistory:
    """Fit a K-component full-covariance Gaussian mixture by EM and return its history.

    Parameters
    ----------
    x : (n, d) data, float64 or float32 (kept; float32 reaches the float64 fixed point to about
        1e-4 relative in log-likelihood, then wanders at that round-off level)
    n_components : K
    init : one of INITS (``labels`` needed for "from_sets"), or pass ``initial`` parameters
    n_iter : the maximum number of M-steps
    tol : early stop when |l_t - l_{t-1}| < tol (1 + |l_{t-1}|) (the lecture's relative rule)
    reg_covar : added to the covariances' diagonal (keeps them positive definite)
    damping : a in (0, 1]; theta <- (1 - a) theta + a theta_EM
    early_stop : when False, runs all n_iter iterations (for demonstrations)
    seed : for the random inits
    cache_mb : keep T(x) in memory up to this size (else rebuilt block by block per iteration)
    engine : "features" (GEMMs on T(x)), "direct" (GEMMs on x), or "auto" (by K and d); the
        same numbers either way, to round-off
    callback : called as callback(t, log_likelihood) after each E-step (progress bars)

    Returns
    -------
    EMHistory with T + 1 entries (T M-steps); log_likelihood[t] belongs to parameters t.
    """
    dtype = float_dtype(x)
    x = check_array("X", x, ndim=2, dtype=dtype)
    n_components, n_iter, tol, reg_covar, damping = _check_em_args(
        n_components, n_iter, tol, reg_covar, damping)
    check_choice("init", init, INITS)
    n, d = x.shape
    if n < max(2, n_components):
        raise InputError("X", "too_few_rows", min_rows=max(2, n_components), got=n)
    rng = numpy_rng(seed)
    if initial is None:
        params = initial_params(x, n_components, init, labels=labels, reg_covar=reg_covar, rng=rng)
    else:
        params = MixtureParams.checked(initial.weights, initial.means, initial.covariances, dtype=dtype)
        if params.dim != d or params.n_components != n_components:
            raise InputError("initial", "bad_shape", expected=f"K={n_components}, d={d}",
                             got=f"K={params.n_components}, d={params.dim}")

    center = x.mean(axis=0)
    sweeper = _make_sweeper(x - center, n_components, engine, cache_mb)
    history = {"w": [], "mu": [], "cov": [], "ll": []}
    prev_ll = -np.inf
    converged = False
    for t in range(n_iter + 1):
        centred = MixtureParams(params.weights, params.means - center, params.covariances)
        ll, stats = sweeper.sweep(centred, want_stats=t < n_iter)
        for key, value in zip(("w", "mu", "cov", "ll"),
                              (params.weights, params.means, params.covariances, ll)):
            history[key].append(np.array(value, copy=True))
        if callback is not None:
            callback(t, ll)
        if t == n_iter:
            break
        if early_stop and t > 0 and abs(ll - prev_ll) < tol * (1.0 + abs(prev_ll)):
            converged = True
            break
        prev_ll = ll
        new = m_step(stats, n, d, reg_covar, dtype)
        a = damping
        weights = (1 - a) * params.weights + a * new.weights
        params = MixtureParams(weights / weights.sum(),
                               (1 - a) * params.means + a * (new.means + center),
                               (1 - a) * params.covariances + a * new.covariances)
    return EMHistory(np.stack(history["w"]), np.stack(history["mu"]), np.stack(history["cov"]),
                     np.array(history["ll"], dtype=np.float64), n, converged)


def gmm2_em_history(x1, x2, *, n_iters: int = 80, tol: float = 1e-6, reg_covar: float = 1e-6,
                    seed=0, init: str = "collapsed", damping: float = 0.25,
                    early_stop: bool = False) -> EMHistory:
    """The lecture's ``gmm2_em_and_sample_history`` on two point sets (K = 2, same defaults).

    X1 and X2 are pooled; their split is used only by init="from_sets".
    """
    dtype = float_dtype(x1)
    x1 = check_array("X1", x1, ndim=2, min_rows=2, dtype=dtype)
    x2 = check_array("X2", x2, ndim=2, min_rows=2, dtype=dtype)
    if x1.shape[1] != x2.shape[1]:
        raise InputError("X2", "bad_shape", expected=f"(n2, {x1.shape[1]})", got=str(x2.shape))
    x = np.vstack([x1, x2])
    labels = np.r_[np.zeros(len(x1), int), np.ones(len(x2), int)]
    return em_fit(x, 2, init=init, labels=labels, n_iter=n_iters, tol=tol, reg_covar=reg_covar,
                  damping=damping, early_stop=early_stop, seed=seed)
