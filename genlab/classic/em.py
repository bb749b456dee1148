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
R^T @ Phi. Both are BLAS GEMMs on one chunk of rows at a time: T(x) of a chunk is built in a
reused buffer and used by both products, and no n x d temporary per component is made. Building
T(x) (d(d+1)/2 products per point) is about a third of an iteration at d = 32, so the chunks'
T(x) are kept between iterations while they fit in ``cache_mb`` (default CACHE_MB); beyond it
each chunk is rebuilt every sweep, so memory stays O(chunk + cache_mb), never O(n d^2). The data
are centred on their mean (chunk by chunk), which keeps the expanded quadratic forms accurate.

Data no single process holds: every quantity EM needs from the data is a sum over rows (the
count and the mean, the statistics above, the k-means assignment counts, the rows picked for an
initialisation), so each process sums over its own shard (``genlab.data.rows``) and one
``all_reduce`` per sweep adds the shards up; every process then does the same M-step on the same
numbers, and 1 or N processes give the same fit to round-off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genlab.data.rows import ArrayRows, Rows
from genlab.errors import InputError, check_array, check_choice, check_int, check_number
from genlab.prob.gaussian import LOG_2PI, float_dtype
from genlab.prob.mixture import MixtureParams
from genlab.seeding import numpy_rng

INITS = ("from_sets", "random", "collapsed", "pca_split")  # the lecture's initialisations
GMM_INITS = ("kmeans", *INITS)  # kmeans: scikit-learn's default (k-means++ seeding, then Lloyd)
KMEANS_SAMPLE_MB = 64.0  # k-means runs on at most this much of the data (all of it when it fits)
KMEANS_N_INIT = 4  # k-means++ seedings per init, the lowest inertia kept: cheap next to EM, and
                   # it escapes the bad seedings that make a single one lose to scikit-learn
CHUNK_ELEMENTS = 2**19   # working buffers of one chunk: about 4 MB of float64
CACHE_MB = 512.0  # T(x) kept between EM iterations up to this size (n = 1e5 at d = 32: 449 MB)
SLAB_ROWS = 65536  # kept T(x) is read this many rows per GEMM (d = 32: 294 MB; K x rows for r)
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


def initial_params(x, n_components: int, init: str, *, labels=None,
                   reg_covar: float = 1e-6, rng: np.random.Generator) -> MixtureParams:
    """The initial parameters of ``em_fit`` for data x (n, d) in memory.

    * kmeans: k-means (scikit-learn's ``KMeans``: k-means++ seeding, then Lloyd iterations) on
      the data (or a random sample of ``KMEANS_SAMPLE_MB``), the best of ``KMEANS_N_INIT``
      seedings, then each component from the points nearest its centre: their share, mean and
      covariance (scikit-learn's default init, which seeds k-means once).
    * from_sets: component k starts at the mean/covariance/share of the points labelled k.
    * random: means at K distinct random points, every covariance the data covariance, equal pi.
    * collapsed: all means at the global mean + 0.05 N(0, I) jitter (EM must split them slowly).
    * pca_split: means spread along the first principal axis, m + 0.35 s v * linspace(-1, 1, K),
      weights proportional to linspace(0.55, 0.45, K) (asymmetric, breaks the symmetry).
    """
    x = check_array("X", x, ndim=2, dtype=float_dtype(x))
    check_choice("init", init, GMM_INITS)
    if init == "from_sets":
        return _from_sets(x, n_components, labels, reg_covar)
    data = _Data(ArrayRows(x), chunk_size=None, n_components=n_components)
    engine = _make_engine(data, n_components, "auto")
    return data.uncentred(_initial_centred(data, n_components, init, reg_covar, rng, engine))


def _from_sets(x: np.ndarray, n_components: int, labels, reg_covar: float) -> MixtureParams:
    n, d = x.shape
    if labels is None:
        raise InputError("labels", "from_sets_labels")
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise InputError("labels", "bad_shape", expected=f"({n},)", got=str(labels.shape))
    sets = [x[labels == k] for k in range(n_components)]
    for k, s in enumerate(sets):
        if len(s) < 2:
            raise InputError("labels", "from_sets_small", set=k, got=len(s))
    means = np.stack([s.mean(axis=0) for s in sets])
    covs = np.stack([_sample_cov(s) for s in sets]) + reg_covar * np.eye(d, dtype=x.dtype)
    weights = np.array([len(s) for s in sets], dtype=x.dtype)
    return MixtureParams(weights / weights.sum(), means, covs)


def _initial_centred(data: "_Data", k_total: int, init: str, reg_covar: float,
                     rng: np.random.Generator, engine) -> MixtureParams:
    """An initialisation other than from_sets, in the centred coordinates of ``data``."""
    d, dtype = data.dim, data.dtype
    if init == "kmeans":
        return _kmeans_init(data, k_total, reg_covar, rng, engine)
    mean, c = data.moments(engine)
    eye = np.eye(d)
    weights = np.full(k_total, 1.0 / k_total)
    if init == "random":
        means = data.gather(rng.choice(data.n, size=k_total, replace=False))
    elif init == "collapsed":
        means = np.stack([mean] * k_total) + 0.05 * rng.standard_normal((k_total, d))
    else:  # pca_split
        vals, vecs = np.linalg.eigh(c)
        delta = 0.35 * np.sqrt(max(vals[-1], 1e-12))
        offsets = np.linspace(-1.0, 1.0, k_total) if k_total > 1 else np.zeros(1)
        means = mean + delta * offsets[:, None] * vecs[:, -1]
        weights = np.linspace(0.55, 0.45, k_total) if k_total > 1 else np.ones(1)
        weights = weights / weights.sum()
    covs = np.stack([c] * k_total) + reg_covar * eye
    return MixtureParams(np.asarray(weights, dtype), np.asarray(means, dtype), np.asarray(covs, dtype))


def _kmeans_init(data: "_Data", k_total: int, reg_covar: float, rng: np.random.Generator,
                 engine) -> MixtureParams:
    """scikit-learn's GaussianMixture init: k-means labels, then the M-step of those hard labels.

    k-means runs on every process on the same rows (all of them, or a seeded random sample of
    ``KMEANS_SAMPLE_MB`` gathered from the shards) on one thread, so that its result does not
    depend on the number of processes or threads; the assignment of every row to its nearest
    centre and the statistics of that assignment are then summed over all rows and processes."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    m = int(min(data.n, max(k_total, KMEANS_SAMPLE_MB * 2**20 // (8 * data.dim))))
    rows = np.arange(data.n) if m == data.n else np.sort(rng.choice(data.n, size=m, replace=False))
    sample = data.gather(rows)
    seed = int(rng.integers(2**31 - 1))
    with threadpool_limits(1):
        centres = KMeans(k_total, n_init=KMEANS_N_INIT, random_state=seed).fit(sample).cluster_centers_
    return m_step(data.assignment_stats(engine, centres), data.n, data.dim, reg_covar, data.dtype)


# ---------- the sufficient-statistics formulation ----------

def _n_features(d: int) -> int:
    return d * (d + 1) // 2 + d + 1


def sufficient_statistics(x: np.ndarray) -> np.ndarray:
    """T(x) = (x_i x_j for i <= j in np.triu_indices order, x, 1) for each row: (n, p)."""
    x = np.asarray(x)
    engine = _FeatureEngine(x.shape[1], len(x), x.dtype)
    engine.load(x)
    return engine.phi.T.copy()


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


class _FeatureEngine:
    """A chunk's E-step and M-step sums as two GEMMs on its sufficient statistics T(x), built
    per chunk in a reused (p, chunk) buffer. While the cache has room (``cache_bytes``) the
    T(x) of the first chunks is kept for the next sweeps, copied into slabs of up to SLAB_ROWS
    rows (``kept``: the chunks inside one): a later sweep reads a slab with one GEMM per step,
    10 % faster than one per chunk (fewer, larger calls), and builds the chunks after it."""

    def __init__(self, d: int, chunk: int, dtype, cache_bytes: int = 0, n_rows: int = 0):
        self.d, self.q, self.chunk, self.n_rows = d, d * (d + 1) // 2, chunk, n_rows
        self.buffer = np.empty((_n_features(d), chunk), dtype=dtype)
        self.buffer[-1] = 1.0
        self.phi = self.buffer[:, :0]
        self.cache_left = cache_bytes
        self.slabs = {}            # the first chunk index of a slab -> its T(x) so far, (p, rows)
        self.kept = set()          # the chunks inside a slab: a prefix 0, 1, ... of the chunks
        self._filling = None       # [the slab being filled, its first index, columns filled]

    def prepare(self, params: MixtureParams) -> None:
        eta = natural_parameters(params, param="covariances (try a larger reg_covar)")
        self.eta_t = np.ascontiguousarray(eta.T, dtype=self.phi.dtype)   # (K, p)

    def load(self, xc: np.ndarray | None, index: int | None = None) -> bool:
        """Make chunk ``index``'s T(x) (or a whole slab's) the operand of the next GEMMs; False
        when it is inside a slab that an earlier index loaded (``xc`` is None for kept chunks)."""
        if index in self.kept:
            if index not in self.slabs:
                return False
            self.phi = self.slabs[index]
            return True
        b, d = xc.shape
        xt = np.ascontiguousarray(xc.T)                   # (d, b): each statistic a contiguous row
        phi, row = self.buffer[:, :b], 0
        for i in range(d):
            np.multiply(xt[i], xt[i:], out=phi[row: row + d - i])
            row += d - i
        phi[self.q: self.q + d] = xt
        if index is not None and index == len(self.kept):  # only a prefix is kept: rows in order
            self._keep(phi, index)
        self.phi = phi
        return True

    def _keep(self, phi: np.ndarray, index: int) -> None:
        b = phi.shape[1]
        if self._filling is None or self._filling[2] + b > self._filling[0].shape[1]:
            rows_left = self.n_rows - sum(slab.shape[1] for slab in self.slabs.values())
            rows = min(max(1, SLAB_ROWS // self.chunk) * self.chunk, rows_left)
            affordable = self.cache_left // (phi.shape[0] * phi.itemsize)
            if affordable < rows:                          # the budget's last slab: whole chunks
                rows = affordable // self.chunk * self.chunk
            if rows < b:
                self.cache_left = 0                        # full: no later chunk is kept
                return
            self._filling = [np.empty((phi.shape[0], rows), dtype=phi.dtype), index, 0]
            self.cache_left -= self._filling[0].nbytes
        slab, first, filled = self._filling
        slab[:, filled: filled + b] = phi
        self._filling[2] = filled + b
        self.slabs[first] = slab[:, : filled + b]
        self.kept.add(index)

    def log_joint(self) -> np.ndarray:
        return self.eta_t @ self.phi                     # (K, b): the E-step, one GEMM

    def add_stats(self, resp: np.ndarray, stats: np.ndarray) -> None:
        stats += resp @ self.phi.T                       # (K, p): the M-step sums, one GEMM


class _DirectEngine:
    """The same sums computed from x itself: for few components in many dimensions T(x) has
    d(d+1)/2 columns to read for only K outputs, and whitening x with each Cholesky factor is
    cheaper. Per component: E-step one GEMM x @ U_k (Sigma_k^{-1} = U_k U_k^T), M-step sums one
    GEMM (r_k x)^T x."""

    def __init__(self, d: int, chunk: int, dtype, cache_bytes: int = 0, n_rows: int = 0):
        self.d, self.dtype = d, dtype
        self.iu, self.ju = np.triu_indices(d)
        self.kept = set()  # nothing is kept: every sweep reads the rows

    def prepare(self, params: MixtureParams) -> None:
        d = self.d
        covs = np.asarray(params.covariances, dtype=np.float64)
        try:
            chol = np.linalg.cholesky(covs)
        except np.linalg.LinAlgError:
            raise InputError("covariances (try a larger reg_covar)", "singular") from None
        prec_chol = np.swapaxes(np.linalg.solve(chol, np.broadcast_to(np.eye(d), covs.shape)), 1, 2)
        self.prec_chol = prec_chol.astype(self.dtype)
        self.shift = np.einsum("ki,kij->kj", np.asarray(params.means, np.float64), prec_chol)  # (K, d)
        log_det = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
        with np.errstate(divide="ignore"):
            self.const = np.log(np.asarray(params.weights, np.float64)) - 0.5 * (d * LOG_2PI + log_det)

    def load(self, xc: np.ndarray, index: int | None = None) -> bool:
        self.xc = xc
        return True

    def log_joint(self) -> np.ndarray:
        xc = self.xc
        out = np.empty((len(self.const), len(xc)))
        for k in range(len(self.const)):  # few components: one (b, d) x (d, d) GEMM each
            z = xc @ self.prec_chol[k]
            z -= self.shift[k]
            out[k] = self.const[k] - 0.5 * np.einsum("ij,ij->i", z, z)
        return out

    def add_stats(self, resp: np.ndarray, stats: np.ndarray) -> None:
        xc, q, d = self.xc, len(self.iu), self.d
        for k in range(len(resp)):  # sum_i r_ik x_i x_i^T, one GEMM per component
            stats[k, :q] += ((xc * resp[k][:, None]).T @ xc)[self.iu, self.ju]
        stats[:, q: q + d] += resp @ xc
        stats[:, -1] += resp.sum(axis=1)


ENGINES = ("auto", "features", "direct")


def _make_engine(data: "_Data", n_components: int, engine: str, cache_mb: float = 0.0):
    """"features" unless there are few components for the dimension (4 K < d): measured in
    benchmarks/bench_em.py, T(x)'s d(d+1)/2 columns then cost more to build than they save."""
    check_choice("engine", engine, ENGINES)
    cache_bytes = int(check_number("cache_mb", cache_mb, 0) * 2**20)
    if engine == "auto":
        engine = "direct" if 4 * n_components < data.dim else "features"
    kind = _DirectEngine if engine == "direct" else _FeatureEngine
    return kind(data.dim, data.chunk, data.dtype, cache_bytes, data.rows.n)


def _log_smallest_normal(dtype, k_total: int) -> float:
    """log of the smallest normal float of ``dtype`` times K: exp(v) / norm (norm <= K) is a
    normal number for every v above it."""
    return float(np.log(np.finfo(dtype).tiny) + np.log(k_total))


def _identity(array):
    return array


class _Data:
    """The rows EM sees: this process's shard, centred on the mean of all rows, read one chunk at
    a time; ``total`` sums an array over all processes (``all_reduce``; itself in one process)."""

    def __init__(self, rows: Rows, *, chunk_size: int | None, n_components: int, all_reduce=None):
        if rows.n != rows.n_total and all_reduce is None:
            raise ValueError("a shard of the rows needs all_reduce to sum over the other shards")
        self.rows, self.total, self.param = rows, all_reduce or _identity, rows.param
        self.dim, self.dtype = rows.dim, rows.dtype
        p = max(_n_features(self.dim), n_components * self.dim)
        self.chunk = int(chunk_size or max(256, min(max(rows.n, 1), CHUNK_ELEMENTS // p)))
        self._buffer = np.empty((self.chunk, self.dim), dtype=self.dtype)
        # the first pass: the number of rows, their sum and whether any is not finite
        acc = np.zeros(self.dim + 3)
        for block in rows.blocks(self.chunk):
            acc[0] += len(block)
            acc[1] += np.count_nonzero(~np.isfinite(block))
            if len(block) and not acc[1]:
                acc[2] = max(acc[2], float(np.abs(block).max()))
            acc[3:] += block.sum(axis=0, dtype=np.float64)
        acc = self.total(acc)  # acc[2] becomes a sum of the shards' maxima: a bound on |x|
        if acc[1] > 0:
            raise InputError(self.param, "not_finite_array")
        self.n = int(round(acc[0]))
        largest = float(np.sqrt(np.finfo(self.dtype).max / (16.0 * max(self.n, 1) * self.dim)))
        if acc[2] > largest:  # second moments would overflow
            raise InputError(self.param, "data_overflow", largest=acc[2], dtype=str(self.dtype), limit=largest)
        self.center = (acc[3:] / max(self.n, 1)).astype(self.dtype)

    def chunks(self, kept=()):
        """This shard's rows minus the global mean, chunk by chunk (one reused buffer); None for
        the chunks whose indices are in ``kept`` (an engine keeps what it needs of them)."""
        for index, block in enumerate(self.rows.blocks(self.chunk)):
            if index in kept:
                yield None
                continue
            out = self._buffer[: len(block)]
            np.subtract(block, self.center, out=out, casting="unsafe")
            yield out

    def gather(self, rows: np.ndarray) -> np.ndarray:
        """The centred rows at global indices ``rows`` (in that order), on every process: each
        process fills in the rows of its shard, zeros elsewhere, and the sum is all of them."""
        rows = np.asarray(rows)
        order = np.argsort(rows, kind="stable")
        ordered = rows[order]
        mine = (ordered >= self.rows.start) & (ordered < self.rows.start + self.rows.n)
        out = np.zeros((len(rows), self.dim))
        out[order[mine]] = self.rows.take(ordered[mine] - self.rows.start) - self.center
        return self.total(out)

    def sweep(self, engine, params: MixtureParams, want_stats: bool = True):
        """The log-likelihood at (centred) ``params`` and the M-step sums S = sum_i r_ik T(x_i)."""
        engine.prepare(params)
        k_total = params.n_components
        acc = np.zeros(k_total * _n_features(self.dim) + 1)   # the stats, then the log-likelihood
        stats = acc[:-1].reshape(k_total, -1)
        total_ll = 0.0
        for index, xc in enumerate(self.chunks(kept=engine.kept)):
            if not engine.load(xc, index):
                continue
            log_joint = engine.log_joint()                     # (K, b)
            top = log_joint.max(axis=0)
            np.subtract(log_joint, top, out=log_joint)
            # No responsibility is left below the smallest normal float: the CPU computes
            # subnormal numbers in microcode, 40-100x slower in exp and in the M-step's GEMM, and
            # raising one to ~1e-307 is below the resolution of every sum it joins (norm >= 1,
            # N_k >= EPS_NK): the fit is the same to the last bit on all but contrived data.
            np.maximum(log_joint, _log_smallest_normal(log_joint.dtype, k_total), out=log_joint)
            np.exp(log_joint, out=log_joint)
            norm = log_joint.sum(axis=0)
            total_ll += float(np.sum(np.log(norm)) + np.sum(top))
            if want_stats:
                log_joint /= norm                              # responsibilities r_ik
                engine.add_stats(log_joint, stats)
        acc[-1] = total_ll
        acc = self.total(acc)
        return float(acc[-1]), acc[:-1].reshape(k_total, -1)

    def assignment_stats(self, engine, centres: np.ndarray) -> np.ndarray:
        """S = sum_i r_ik T(x_i) for the hard assignment of each row to its nearest centre."""
        k_total = len(centres)
        stats = np.zeros((k_total, _n_features(self.dim)))
        sq = np.einsum("ij,ij->i", centres, centres)
        for xc in self.chunks():
            nearest = np.argmin(sq - 2.0 * (centres @ xc.T).T, axis=1)  # |x - c|^2 - |x|^2
            resp = np.zeros((k_total, len(xc)))
            resp[nearest, np.arange(len(xc))] = 1.0
            engine.load(xc)
            engine.add_stats(resp, stats)
        return self.total(stats)

    def moments(self, engine):
        """The mean (in centred coordinates, ~0) and the covariance with ddof=1 (np.cov's)."""
        stats = self.assignment_stats(engine, np.zeros((1, self.dim)))[0]
        d, n = self.dim, self.n
        q = d * (d + 1) // 2
        iu, ju = np.triu_indices(d)
        sum_xx = np.zeros((d, d))
        sum_xx[iu, ju] = stats[:q]
        sum_xx[ju, iu] = stats[:q]
        mean = stats[q: q + d] / n
        if n <= 1:
            return mean, np.eye(d)
        return mean, (sum_xx - n * np.outer(mean, mean)) / (n - 1)

    def uncentred(self, params: MixtureParams) -> MixtureParams:
        return MixtureParams(params.weights, (params.means + self.center).astype(self.dtype),
                             params.covariances)


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


def check_em_args(n_components, n_iter, tol, reg_covar, damping, n_init=1):
    """EM's numeric arguments checked (``InputError`` names the argument); the checked values."""
    n_components = check_int("n_components", n_components, 1, 256)
    n_iter = check_int("n_iter", n_iter, 0, 100_000)
    tol = check_number("tol", tol, 0)
    reg_covar = check_number("reg_covar", reg_covar, 0)
    damping = check_number("damping", damping, 0, 1, lo_open=True)
    check_int("n_init", n_init, 1, 1000)
    return n_components, n_iter, tol, reg_covar, damping


def _as_rows(x) -> Rows:
    if isinstance(x, Rows):
        return x
    if not (isinstance(x, np.ndarray) and x.dtype in (np.float32, np.float64)):
        x = check_array("X", x, dtype=float_dtype(x))  # lists, integers: numbers or a clear error
    if x.ndim != 2:
        raise InputError("X", "bad_ndim", expected=2, got=x.ndim)
    return ArrayRows(x)  # finiteness is checked chunk by chunk in the first pass


def em_fit(x, n_components: int = 2, *, init: str = "pca_split", labels=None,
           initial: MixtureParams | None = None, n_init: int = 1, n_iter: int = 100,
           tol: float = 1e-6, reg_covar: float = 1e-6, damping: float = 1.0, early_stop: bool = True,
           seed=0, engine: str = "auto", chunk_size: int | None = None,
           cache_mb: float = CACHE_MB, all_reduce=None, callback=None) -> EMHistory:
    """Fit a K-component full-covariance Gaussian mixture by EM and return its history.

    Parameters
    ----------
    x : (n, d) data, float64 or float32 (kept; float32 reaches the float64 fixed point to about
        1e-4 relative in log-likelihood, then wanders at that round-off level), a memory-mapped
        array, or a ``genlab.data.rows.Rows`` (this process's shard of a file)
    n_components : K
    init : one of GMM_INITS (``labels`` needed for "from_sets"), or pass ``initial`` parameters
    n_init : number of initialisations (drawn one after the other from ``seed``); the fit with
        the highest final log-likelihood is returned
    n_iter : the maximum number of M-steps
    tol : early stop when |l_t - l_{t-1}| < tol (1 + |l_{t-1}|) (the lecture's relative rule)
    reg_covar : added to the covariances' diagonal (keeps them positive definite)
    damping : a in (0, 1]; theta <- (1 - a) theta + a theta_EM
    early_stop : when False, runs all n_iter iterations (for demonstrations)
    seed : for the random inits (under torchrun: the same on every process)
    engine : "features" (GEMMs on T(x)), "direct" (GEMMs on x), or "auto" (by K and d); the
        same numbers either way, to round-off
    chunk_size : rows per chunk (default: about 4 MB of working buffers)
    cache_mb : the chunks' sufficient statistics T(x) are kept between iterations up to this many
        MB (faster: T(x) is not rebuilt each sweep); 0 keeps the working memory O(chunk)
    all_reduce : when ``x`` is one process's shard, a function that sums a float64 array over
        all processes and returns the sum (``genlab.distributed.all_reduce_sum_`` on a tensor);
        every process then returns the same fit
    callback : called as callback(t, log_likelihood) after each E-step (progress bars)

    Returns
    -------
    EMHistory with T + 1 entries (T M-steps); log_likelihood[t] belongs to parameters t.
    """
    n_components, n_iter, tol, reg_covar, damping = check_em_args(
        n_components, n_iter, tol, reg_covar, damping, n_init)
    check_choice("init", init, GMM_INITS)
    rows = _as_rows(x)
    if labels is not None or init == "from_sets":
        if rows.n != rows.n_total or not isinstance(rows, ArrayRows):
            raise InputError("init", "from_sets_in_memory")
    data = _Data(rows, chunk_size=chunk_size, n_components=n_components, all_reduce=all_reduce)
    n, d, dtype = data.n, data.dim, data.dtype
    if n < max(2, n_components):
        raise InputError(rows.param, "too_few_rows", min_rows=max(2, n_components), got=n)
    sweeper = _make_engine(data, n_components, engine, cache_mb)
    if initial is not None:
        start = MixtureParams.checked(initial.weights, initial.means, initial.covariances, dtype=dtype)
        if start.dim != d or start.n_components != n_components:
            raise InputError("initial", "bad_shape", expected=f"K={n_components}, d={d}",
                             got=f"K={start.n_components}, d={start.dim}")
        starts = [lambda: MixtureParams(start.weights, start.means - data.center, start.covariances)]
    elif init == "from_sets":
        sets = _from_sets(rows.x, n_components, labels, reg_covar)
        starts = [lambda: MixtureParams(sets.weights, sets.means - data.center, sets.covariances)]
    else:
        rng = numpy_rng(seed)
        starts = [lambda: _initial_centred(data, n_components, init, reg_covar, rng, sweeper)] * n_init
    best = None
    for make_start in starts:
        history = _run_em(data, sweeper, make_start(), n_iter, tol, reg_covar, damping, early_stop,
                          callback)
        if best is None or history.log_likelihood[-1] > best.log_likelihood[-1]:
            best = history
    return best


def _run_em(data: _Data, sweeper, params: MixtureParams, n_iter, tol, reg_covar, damping,
            early_stop, callback) -> EMHistory:
    """EM from ``params`` (centred coordinates); the history in the data's own coordinates."""
    n, d, dtype = data.n, data.dim, data.dtype
    history = {"w": [], "mu": [], "cov": [], "ll": []}
    prev_ll = -np.inf
    converged = False
    for t in range(n_iter + 1):
        ll, stats = data.sweep(sweeper, params, want_stats=t < n_iter)
        for key, value in zip(("w", "mu", "cov", "ll"),
                              (params.weights, params.means + data.center, params.covariances, ll)):
            history[key].append(np.array(value, dtype=np.float64 if key == "ll" else dtype, copy=True))
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
        params = MixtureParams(weights / weights.sum(), (1 - a) * params.means + a * new.means,
                               (1 - a) * params.covariances + a * new.covariances)
    return EMHistory(np.stack(history["w"]), np.stack(history["mu"]), np.stack(history["cov"]),
                     np.array(history["ll"], dtype=np.float64), n, converged)


def log_likelihood(x, params: MixtureParams, *, chunk_size: int | None = None,
                   all_reduce=None) -> tuple[float, int]:
    """(sum_i log p(x_i), n) over data of any size (an array, a memmap, a Rows shard), chunk by
    chunk; with ``all_reduce``, over the shards of every process."""
    data = _Data(_as_rows(x), chunk_size=chunk_size, n_components=params.n_components,
                 all_reduce=all_reduce)
    if params.dim != data.dim:
        raise InputError(data.param, "bad_shape", expected=f"(n, {params.dim})", got=f"(n, {data.dim})")
    centred = MixtureParams(params.weights, params.means - data.center, params.covariances)
    ll, _ = data.sweep(_make_engine(data, params.n_components, "auto"), centred, want_stats=False)
    return ll, data.n


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
