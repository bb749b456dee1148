"""The Bayes connection: a generative model p(x | y) p(y) gives a classifier by Bayes' rule,

    p(y | x) = p(x | y) p(y) / p(x),   p(x) = sum_y p(x | y) p(y),

so its decision boundary can be put next to the discriminative (logistic regression) one.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from genlab.classic.gmm import GaussianMixtureEM
from genlab.errors import InputError
from genlab.prob.mixture import MixtureParams, component_log_prob


class GenerativeClassifier(ClassifierMixin, BaseEstimator):
    """One Gaussian mixture per class (class-conditional p(x | y)) + class priors p(y).

    With n_components=1 this is quadratic discriminant analysis by maximum likelihood.
    """

    def __init__(self, n_components: int = 1, *, init: str = "pca_split", max_iter: int = 100,
                 tol: float = 1e-6, reg_covar: float = 1e-6, random_state=0):
        self.n_components = n_components
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.reg_covar = reg_covar
        self.random_state = random_state

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], ensure_min_samples=2)
        check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        counts = np.bincount(y_idx)
        if np.any(counts < max(2, self.n_components)):
            raise InputError("y", "class_too_few_points", min_points=max(2, self.n_components))
        self.class_prior_ = counts / counts.sum()
        self.mixtures_ = [
            GaussianMixtureEM(self.n_components, init=self.init, max_iter=self.max_iter, tol=self.tol,
                              reg_covar=self.reg_covar, random_state=self.random_state).fit(X[y_idx == c])
            for c in range(len(self.classes_))]
        self.n_iter_ = np.array([m.n_iter_ for m in self.mixtures_])  # EM iterations per class
        return self

    def joint_log_likelihood(self, X) -> np.ndarray:
        """log p(x | y) + log p(y): shape (n, n_classes)."""
        check_is_fitted(self, "mixtures_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return np.column_stack([m.score_samples(X) for m in self.mixtures_]) + np.log(self.class_prior_)

    def predict_log_proba(self, X) -> np.ndarray:
        jll = self.joint_log_likelihood(X)
        return jll - logsumexp(jll, axis=1, keepdims=True)

    def predict_proba(self, X) -> np.ndarray:
        return np.exp(self.predict_log_proba(X))

    def predict(self, X) -> np.ndarray:
        jll = self.joint_log_likelihood(X)  # checks fitting before classes_ is read
        return self.classes_[np.argmax(jll, axis=1)]


def match_components_to_classes(means: np.ndarray, class_means: np.ndarray) -> np.ndarray:
    """For a 2-component mixture fitted without labels: which class each component stands for.

    Picks the assignment with the smaller total distance of means (the lecture's colour rule).
    Returns an index array ``order`` with component order[c] playing class c.
    """
    direct = np.linalg.norm(means[0] - class_means[0]) + np.linalg.norm(means[1] - class_means[1])
    swapped = np.linalg.norm(means[0] - class_means[1]) + np.linalg.norm(means[1] - class_means[0])
    return np.array([0, 1]) if direct <= swapped else np.array([1, 0])


def mixture_class_posterior(x, params: MixtureParams, order=(0, 1)) -> np.ndarray:
    """p(y = 1 | x) implied by a 2-component mixture whose component ``order[1]`` is class 1."""
    log_joint = component_log_prob(x, params)
    return np.exp(log_joint[:, order[1]] - logsumexp(log_joint, axis=1))


def posterior_grid(posterior_fn, xlim, ylim, n: int = 120):
    """Evaluate a p(y = 1 | x) function on an n x n grid: returns (X, Y, P)."""
    xs = np.linspace(*xlim, n)
    ys = np.linspace(*ylim, n)
    gx, gy = np.meshgrid(xs, ys)
    p = posterior_fn(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    return gx, gy, p
