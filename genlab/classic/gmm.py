"""``GaussianMixtureEM``: the EM mixture as a scikit-learn estimator and a genlab generative model.

scikit-learn's conventions: ``__init__`` only stores parameters, ``fit`` validates and returns
self, learned state ends in ``_`` (weights_, means_, covariances_, history_, ...). genlab's
taxonomy: ``density = "exact"`` (log p(x) is a log-sum-exp of Gaussians) and
``sampling = "one-shot"`` (z ~ Categorical(pi), x ~ N(mu_z, Sigma_z)).

One difference from scikit-learn's ``GaussianMixture.sample`` (which returns (X, labels)): here
``sample(n, seed=...)`` returns X, as every genlab model does; ``return_labels=True`` adds z.
Saved as a folder with config.json + model.safetensors (``save_pretrained``/``from_pretrained``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.base import DensityMixin as _SkDensityMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from genlab.classic.em import CACHE_MB, GMM_INITS, check_em_args, em_fit
from genlab.errors import InputError, check_choice
from genlab.prob.mixture import (MixtureParams, component_log_prob, mixture_logpdf,
                                 mixture_sample, responsibilities)

FORMAT = "genlab.GaussianMixtureEM"


class GaussianMixtureEM(_SkDensityMixin, BaseEstimator):
    """A full-covariance Gaussian mixture fitted by (optionally damped) EM, with its history.

    Parameters
    ----------
    n_components : int, K
    init : "kmeans" (scikit-learn's default: k-means++ seeding and Lloyd iterations, then each
        component from its cluster), the lecture's "random", "collapsed", "pca_split", or
        "from_sets" (then ``fit(X, y)`` uses the labels y in 0..K-1 to initialise component k
        from the points labelled k)
    n_init : number of initialisations; the fit with the highest log-likelihood is kept
    max_iter : maximum number of EM iterations
    tol : relative early-stopping tolerance on the total log-likelihood
    reg_covar : added to every covariance's diagonal
    damping : a in (0, 1]; 1 is plain EM
    early_stop : stop when the log-likelihood no longer changes by ``tol``
    warm_start : when True, a second ``fit`` starts from the parameters of the first (one run,
        ``n_init`` ignored), as scikit-learn's
    random_state : seed of the random initialisations (int, RandomState or None)
    cache_mb : memory (MB) for the data's sufficient statistics kept between EM iterations
        (faster; 0 keeps EM's working memory to one chunk of rows)

    Attributes
    ----------
    weights_ (K,), means_ (K, d), covariances_ (K, d, d), history_ (EMHistory),
    lower_bound_ (mean log-likelihood at the last parameters), n_iter_, converged_, n_features_in_
    """

    density = "exact"
    sampling = "one-shot"

    def __init__(self, n_components: int = 1, *, init: str = "kmeans", n_init: int = 1,
                 max_iter: int = 100, tol: float = 1e-6, reg_covar: float = 1e-6,
                 damping: float = 1.0, early_stop: bool = True, warm_start: bool = False,
                 random_state=None, cache_mb: float = CACHE_MB):
        self.n_components = n_components
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.reg_covar = reg_covar
        self.damping = damping
        self.early_stop = early_stop
        self.warm_start = warm_start
        self.random_state = random_state
        self.cache_mb = cache_mb

    # ----- fitting -----
    def fit(self, X, y=None):
        """Fit by EM; ``y`` is used only by init="from_sets". Returns self."""
        warm = bool(self.warm_start) and hasattr(self, "means_")
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2, reset=not warm)
        check_em_args(self.n_components, self.max_iter, self.tol, self.reg_covar, self.damping,
                       self.n_init)
        check_choice("init", self.init, GMM_INITS)
        if X.shape[0] < self.n_components:
            raise InputError("X", "too_few_rows", min_rows=self.n_components, got=X.shape[0])
        seed = self.random_state
        if isinstance(seed, np.random.RandomState) or seed is None:
            seed = np.random.RandomState(seed).randint(2**31 - 1)
        labels = None if self.init != "from_sets" else y
        if warm and self.means_.shape[0] != self.n_components:
            raise InputError("n_components", "warm_start_components", fitted=self.means_.shape[0])
        history = em_fit(X, self.n_components, init=self.init, labels=labels,
                         initial=self.params_ if warm else None, n_init=1 if warm else self.n_init,
                         n_iter=self.max_iter, tol=self.tol, reg_covar=self.reg_covar,
                         damping=self.damping, early_stop=self.early_stop, seed=int(seed),
                         cache_mb=self.cache_mb)
        return self.set_history(history)

    def set_history(self, history) -> "GaussianMixtureEM":
        """Take the learned state from an ``em_fit`` history (its last parameters); returns self."""
        self._set_params(history.params(-1))
        self.history_ = history
        self.n_iter_ = history.n_iter
        self.converged_ = history.converged
        self.lower_bound_ = float(history.mean_log_likelihood[-1])
        return self

    def _set_params(self, params: MixtureParams) -> None:
        self.weights_ = np.asarray(params.weights)
        self.means_ = np.asarray(params.means)
        self.covariances_ = np.asarray(params.covariances)
        self.precisions_cholesky_ = np.linalg.inv(np.linalg.cholesky(self.covariances_)).transpose(0, 2, 1)
        self.n_features_in_ = self.means_.shape[1]

    @property
    def params_(self) -> MixtureParams:
        check_is_fitted(self, "means_")
        return MixtureParams(self.weights_, self.means_, self.covariances_)

    def _check_x(self, X):
        check_is_fitted(self, "means_")
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32])

    # ----- density and posterior -----
    def score_samples(self, X) -> np.ndarray:
        """log p(x) per row: shape (n,)."""
        return mixture_logpdf(self._check_x(X), self.params_)

    def score(self, X, y=None) -> float:
        """The mean log-likelihood per sample."""
        return float(np.mean(self.score_samples(X)))

    def predict_proba(self, X) -> np.ndarray:
        """p(z = k | x): shape (n, K)."""
        return responsibilities(self._check_x(X), self.params_)

    def predict(self, X) -> np.ndarray:
        return np.argmax(component_log_prob(self._check_x(X), self.params_), axis=1)

    def fit_predict(self, X, y=None):
        return self.fit(X, y).predict(X)

    def _n_parameters(self) -> int:
        k, d = self.means_.shape
        return int(k * d * (d + 1) / 2 + k * d + k - 1)

    def bic(self, X) -> float:
        X = self._check_x(X)
        return float(-2 * self.score(X) * X.shape[0] + self._n_parameters() * np.log(X.shape[0]))

    def aic(self, X) -> float:
        X = self._check_x(X)
        return float(-2 * self.score(X) * X.shape[0] + 2 * self._n_parameters())

    # ----- genlab's generative-model interface -----
    def log_prob(self, x, *, condition=None) -> np.ndarray:
        """log p(x), or log p(x | z = condition) for a component index."""
        if condition is None:
            return self.score_samples(x)
        k = int(condition)
        if not 0 <= k < self.n_components:
            raise InputError("condition", "out_of_range", value=str(k), interval=f"[0, {self.n_components - 1}]")
        p = self.params_
        single = MixtureParams(np.ones(1), p.means[k: k + 1], p.covariances[k: k + 1])
        return mixture_logpdf(self._check_x(x), single)

    def elbo(self, x, *, condition=None) -> np.ndarray:
        return self.log_prob(x, condition=condition)  # an exact density is its own tightest bound

    def sample(self, n_samples: int = 1, *, condition=None, seed=None, return_labels: bool = False):
        """``n_samples`` draws from the mixture (or from component ``condition``): (n, d)."""
        x, z = mixture_sample(n_samples, self.params_, seed=seed, component=condition)
        return (x, z) if return_labels else x

    # ----- persistence: config.json + model.safetensors, no pickle -----
    def save_pretrained(self, path) -> Path:
        """Write config.json + model.safetensors, each atomically (a kill leaves the old or the new)."""
        from safetensors.numpy import save

        from genlab.checkpoint import atomic_write_bytes, atomic_write_text

        check_is_fitted(self, "means_")
        path = Path(path)
        config = {"format": FORMAT, **self.get_params(),
                  "n_features": int(self.n_features_in_), "lower_bound": self.lower_bound_}
        if not isinstance(config["random_state"], (int, type(None))):
            config["random_state"] = None
        atomic_write_bytes(path / "model.safetensors", save({
            "weights": np.ascontiguousarray(self.weights_), "means": np.ascontiguousarray(self.means_),
            "covariances": np.ascontiguousarray(self.covariances_)}))
        atomic_write_text(path / "config.json", json.dumps(config, indent=2))
        return path

    @classmethod
    def from_pretrained(cls, path) -> "GaussianMixtureEM":
        from safetensors.numpy import load_file

        from genlab.core import read_config, weight_shapes

        path = Path(path)
        config = read_config(path)
        if config.get("format") != FORMAT:
            raise InputError("model", "not_saved_mixture", path=path)
        shapes = weight_shapes(path / "model.safetensors")
        if set(shapes) != {"weights", "means", "covariances"} or len(shapes["means"]) != 2 \
                or shapes["covariances"] != (*shapes["means"], shapes["means"][1]):
            raise InputError("model", "mixture_weights_shapes", folder=str(path))
        names = cls().get_params().keys()
        model = cls(**{k: config[k] for k in names if k in config})
        tensors = load_file(str(path / "model.safetensors"))
        model._set_params(MixtureParams.checked(tensors["weights"], tensors["means"],
                                                tensors["covariances"]))
        model.lower_bound_ = config.get("lower_bound")
        model.history_ = None
        model.n_iter_ = None
        model.converged_ = None
        return model

    @classmethod
    def from_params(cls, params: MixtureParams) -> "GaussianMixtureEM":
        """A model with given parameters (e.g. the lecture's mixture), without fitting."""
        model = cls(n_components=params.n_components)
        model._set_params(MixtureParams.checked(params.weights, params.means, params.covariances))
        model.lower_bound_, model.history_, model.n_iter_, model.converged_ = None, None, None, None
        return model


def fit_toy(x, *, data: str, steps: int, seed: int):
    """The taxonomy comparison's mixture (``genlab.registry.TOY_MODELS``): 8 components on the 2-D
    points ``x``, EM started from k-means clusters as scikit-learn starts it (EM finds a local
    optimum). ``data`` and ``steps`` are the other families' business: EM runs to convergence."""
    from sklearn.cluster import KMeans

    from genlab.core import ToyFit

    labels = KMeans(n_clusters=8, n_init=4, random_state=seed).fit_predict(x)
    return ToyFit(GaussianMixtureEM(n_components=8, init="from_sets", max_iter=200).fit(x, labels))
