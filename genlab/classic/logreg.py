"""Logistic regression by full-batch gradient descent, recording its whole path.

Model: p(y = 1 | x) = sigma(w^T x + b). Loss: the mean negative log-likelihood (cross-entropy)
+ (l2 / 2) ||w||^2. Gradient: X^T (p - y) / n + l2 w and mean(p - y).

Step-size schedules (the lecture's): "constant" uses ``lr``; "warmup" grows the step from ~0 to
``lr_max`` as (t / T)^power. When ``lr_max`` is None it is 0.9 / L with the Lipschitz bound of the
gradient L = ||X||_F^2 / (4 n) + l2 (sigma' <= 1/4), so the largest step is still stable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genlab.errors import InputError, check_array, check_choice, check_int, check_number
from genlab.seeding import numpy_rng

LR_MODES = ("constant", "warmup")


def sigmoid(z):
    z = np.clip(z, -50.0, 50.0)  # as in the lecture: exp never overflows
    return 1.0 / (1.0 + np.exp(-z))


def lipschitz_bound(x: np.ndarray, l2: float = 0.0) -> float:
    """L = ||X||_F^2 / (4 n) + l2, an upper bound on the Lipschitz constant of the loss gradient."""
    return 0.25 * float(np.sum(x * x)) / x.shape[0] + l2


@dataclass
class LogRegPath:
    """The gradient-descent path: parameters and loss at iterations 0..T.

    w : (T+1, d), b : (T+1,), loss : (T+1,), step : (T,) the step size used at iterations 1..T.
    """

    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    step: np.ndarray
    lr_max: float | None
    fit_intercept: bool

    @property
    def n_iters(self) -> int:
        return self.step.shape[0]

    def decision_function(self, x, t: int = -1) -> np.ndarray:
        """w_t^T x + b_t for rows of x."""
        return np.asarray(x) @ self.w[t] + (self.b[t] if self.fit_intercept else 0.0)

    def predict_proba(self, x, t: int = -1) -> np.ndarray:
        """p(y = 1 | x) at iteration t: shape (n,)."""
        return sigmoid(self.decision_function(x, t))


def _check_sets(x1, x2):
    dtype = np.float32 if getattr(x1, "dtype", None) == np.float32 else np.float64
    x1 = check_array("X1", x1, ndim=2, min_rows=2, dtype=dtype)
    x2 = check_array("X2", x2, ndim=2, min_rows=2, dtype=dtype)
    if x1.shape[1] != x2.shape[1]:
        raise InputError("X2", "bad_shape", expected=f"(n2, {x1.shape[1]})", got=str(x2.shape))
    return x1, x2


def logistic_regression_gd_path(x1, x2, lr: float = 0.1, n_iters: int = 200, l2: float = 0.0,
                                fit_intercept: bool = True, seed=0, lr_mode: str = "constant",
                                warmup_power: float = 2.0, lr_max: float | None = None) -> LogRegPath:
    """Fit p(y | x) on X1 (y = 0) and X2 (y = 1) by gradient descent; return the whole path.

    Same inputs give the lecture's ``logistic_regression_gd_path`` to floating-point precision.
    """
    x1, x2 = _check_sets(x1, x2)
    lr = check_number("lr", lr, 0, lo_open=True)
    n_iters = check_int("n_iters", n_iters, 0, 1_000_000)
    l2 = check_number("l2", l2, 0)
    check_choice("lr_mode", lr_mode, LR_MODES)
    warmup_power = check_number("warmup_power", warmup_power, 0, 100)
    if lr_max is not None:
        lr_max = check_number("lr_max", lr_max, 0, lo_open=True)

    x = np.vstack([x1, x2])
    y = np.concatenate([np.zeros(len(x1)), np.ones(len(x2))]).astype(x.dtype)
    n, d = x.shape
    rng = numpy_rng(seed)
    w = (0.01 * rng.standard_normal(d)).astype(x.dtype)
    b = 0.0
    if lr_mode == "warmup" and lr_max is None:
        lr_max = 0.9 / (lipschitz_bound(x, l2) + 1e-12)

    def loss(w, b):
        p = sigmoid(x @ w + (b if fit_intercept else 0.0))
        eps = 1e-12
        value = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
        return value + (0.5 * l2 * np.sum(w * w) if l2 > 0 else 0.0)

    w_path = np.zeros((n_iters + 1, d), dtype=x.dtype)
    b_path = np.zeros(n_iters + 1, dtype=x.dtype)
    loss_path = np.zeros(n_iters + 1, dtype=x.dtype)
    steps = np.zeros(n_iters, dtype=np.float64)
    w_path[0], b_path[0], loss_path[0] = w, b, loss(w, b)
    for t in range(1, n_iters + 1):
        p = sigmoid(x @ w + (b if fit_intercept else 0.0))
        grad_w = (x.T @ (p - y)) / n
        if l2 > 0:
            grad_w = grad_w + l2 * w
        grad_b = np.mean(p - y) if fit_intercept else 0.0
        step = lr if lr_mode == "constant" else float(lr_max) * (t / n_iters) ** warmup_power
        w = w - step * grad_w
        if fit_intercept:
            b = b - step * grad_b
        w_path[t], b_path[t], loss_path[t], steps[t - 1] = w, b, loss(w, b), step
    return LogRegPath(w_path, b_path, loss_path, steps, lr_max, bool(fit_intercept))
