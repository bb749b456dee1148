"""The lecture's own functions, copied verbatim from ../shared/seed/lecture.md (section 2 code cells:
the logistic-regression / EM cell and the dataset + EM-with-history part of the widget cell), used as
the reference that genlab.classic must reproduce to floating-point precision. Not edited."""
# ruff: noqa
import numpy as np

# -----------------------------
# 1) Discriminative: Logistic regression via gradient descent (parameter path)
# -----------------------------
import numpy as np

def logistic_regression_gd_path(
    X1, X2,
    lr=0.1, n_iters=200, l2=0.0, fit_intercept=True, seed=0,
    lr_mode="constant",            # <-- NEW: "constant" or "warmup"
    warmup_power=2.0,              # <-- NEW: controls how slow the start is
    lr_max=None                    # <-- NEW: if None, estimated automatically
):
    X1 = np.asarray(X1, dtype=float)
    X2 = np.asarray(X2, dtype=float)
    if X1.ndim != 2 or X2.ndim != 2:
        raise ValueError("X1 and X2 must be 2D arrays of shape (n, d).")
    if X1.shape[1] != X2.shape[1]:
        raise ValueError("X1 and X2 must have the same feature dimension d.")

    X = np.vstack([X1, X2])
    y = np.concatenate([np.zeros(len(X1)), np.ones(len(X2))])

    n, d = X.shape
    rng = np.random.default_rng(seed)

    w = 0.01 * rng.standard_normal(d)
    b = 0.0

    def sigmoid(z):
        z = np.clip(z, -50.0, 50.0)
        return 1.0 / (1.0 + np.exp(-z))

    def nll(w, b):
        z = X @ w + (b if fit_intercept else 0.0)
        p = sigmoid(z)
        eps = 1e-12
        loss = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
        if l2 > 0:
            loss += 0.5 * l2 * np.sum(w * w)
        return loss

    # ---- NEW: choose lr_max automatically if warmup requested ----
    if lr_mode == "warmup" and lr_max is None:
        # Lipschitz upper bound using Frobenius norm
        fro2 = np.sum(X * X)  # ||X||_F^2
        L = 0.25 * (fro2 / n) + l2
        lr_max = 0.9 / (L + 1e-12)

    w_path = np.zeros((n_iters + 1, d))
    b_path = np.zeros(n_iters + 1)
    loss_path = np.zeros(n_iters + 1)

    w_path[0] = w
    b_path[0] = b
    loss_path[0] = nll(w, b)

    for t in range(1, n_iters + 1):
        z = X @ w + (b if fit_intercept else 0.0)
        p = sigmoid(z)

        grad_w = (X.T @ (p - y)) / n
        if l2 > 0:
            grad_w += l2 * w

        grad_b = np.mean(p - y) if fit_intercept else 0.0

        # ---- NEW: step size schedule ----
        if lr_mode == "constant":
            step = lr
        elif lr_mode == "warmup":
            # step grows from ~0 to lr_max, making learning visibly gradual
            frac = (t / n_iters) ** warmup_power
            step = float(lr_max) * frac
        else:
            raise ValueError("lr_mode must be 'constant' or 'warmup'.")

        w -= step * grad_w
        if fit_intercept:
            b -= step * grad_b

        w_path[t] = w
        b_path[t] = b
        loss_path[t] = nll(w, b)

    return w_path, b_path, loss_path


# -----------------------------
# 2) Generative: 2-Gaussian Mixture via EM + sampling
# -----------------------------
def sample_from_gmm(pi, mu, Sigma, n_samples=200, seed=0):
    """
    Sample points from a 2-component Gaussian mixture.
    Returns samples (n_samples,d) and component labels z (n_samples,).
    """
    pi = np.asarray(pi, float)
    mu = np.asarray(mu, float)
    Sigma = np.asarray(Sigma, float)

    rng = np.random.default_rng(seed)
    z = rng.choice(2, size=n_samples, p=pi)

    d = mu.shape[1]
    samples = np.zeros((n_samples, d), float)
    for k in range(2):
        idx = np.where(z == k)[0]
        if len(idx) == 0:
            continue
        samples[idx] = rng.multivariate_normal(mean=mu[k], cov=Sigma[k], size=len(idx))
    return samples, z


def gmm2_em_and_sample(X1, X2, n_iters=100, tol=1e-6, reg_covar=1e-6, n_samples=200, seed=0):
    """
    Fit a 2-component Gaussian Mixture Model using EM on the union of X1 and X2.
    Uses X1 and X2 only for *initialization* (means/covariances/mixture weights).

    Parameters
    ----------
    X1, X2 : array-like
        Two sets of points, shapes (n1, d), (n2, d).
    n_iters : int
        Max EM iterations.
    tol : float
        Convergence tolerance on log-likelihood improvement.
    reg_covar : float
        Diagonal regularizer added to covariances for numerical stability.
    n_samples : int
        Number of points to sample from the learned mixture.
    seed : int
        Random seed.

    Returns
    -------
    params : dict
        {
          "pi": (2,),
          "mu": (2, d),
          "Sigma": (2, d, d),
          "loglik_path": (T,)   # T <= n_iters
        }
    samples : np.ndarray
        Shape (n_samples, d), sampled from the learned mixture.
    responsibilities : np.ndarray
        Shape (n, 2), final responsibilities r_{ik}.
    """
    X1 = np.asarray(X1, dtype=float)
    X2 = np.asarray(X2, dtype=float)
    if X1.ndim != 2 or X2.ndim != 2:
        raise ValueError("X1 and X2 must be 2D arrays of shape (n, d).")
    if X1.shape[1] != X2.shape[1]:
        raise ValueError("X1 and X2 must have the same feature dimension d.")

    X = np.vstack([X1, X2])
    n, d = X.shape
    rng = np.random.default_rng(seed)

    # ----- Initialization (using the two sets) -----
    mu = np.stack([X1.mean(axis=0), X2.mean(axis=0)], axis=0)  # (2, d)
    def empirical_cov(A):
        A = np.asarray(A, float)
        if len(A) <= 1:
            return np.eye(d)
        C = np.cov(A.T, bias=False)
        if C.ndim == 0:  # d=1 edge case
            C = np.array([[float(C)]])
        return C

    Sigma = np.stack([empirical_cov(X1), empirical_cov(X2)], axis=0)  # (2, d, d)
    Sigma += reg_covar * np.eye(d)[None, :, :]

    pi = np.array([len(X1), len(X2)], dtype=float)
    pi = pi / pi.sum()

    # Helpers
    def log_gaussian_pdf(X, m, S):
        """
        log N(x | m, S) for each row in X. Returns shape (n,)
        """
        # Cholesky for stability
        L = np.linalg.cholesky(S)
        # Solve (x-m) in whitened coordinates: v = L^{-1} (x-m)
        Xm = X - m
        v = np.linalg.solve(L, Xm.T)  # (d, n)
        quad = np.sum(v * v, axis=0)  # (n,)
        log_det = 2.0 * np.sum(np.log(np.diag(L)))
        return -0.5 * (d * np.log(2.0 * np.pi) + log_det + quad)

    def logsumexp(a, axis=1):
        amax = np.max(a, axis=axis, keepdims=True)
        return (amax + np.log(np.sum(np.exp(a - amax), axis=axis, keepdims=True))).squeeze(axis)

    loglik_path = []
    prev_ll = -np.inf

    for it in range(n_iters):
        # ----- E-step -----
        # log r_ik proportional to log pi_k + log N(x_i | mu_k, Sigma_k)
        log_r = np.zeros((n, 2))
        for k in range(2):
            log_r[:, k] = np.log(pi[k] + 1e-16) + log_gaussian_pdf(X, mu[k], Sigma[k])

        ll = np.sum(logsumexp(log_r, axis=1))
        loglik_path.append(ll)

        # Normalize responsibilities
        log_norm = logsumexp(log_r, axis=1)  # (n,)
        r = np.exp(log_r - log_norm[:, None])  # (n,2)

        # Convergence check
        if it > 0 and abs(ll - prev_ll) < tol * (1.0 + abs(prev_ll)):
            break
        prev_ll = ll

        # ----- M-step -----
        Nk = r.sum(axis=0) + 1e-16  # (2,)
        pi = Nk / n

        # Update means
        mu = (r.T @ X) / Nk[:, None]  # (2,d)

        # Update covariances
        Sigma_new = np.zeros((2, d, d))
        for k in range(2):
            Xm = X - mu[k]  # (n,d)
            # Weighted covariance: sum_i r_ik (x_i-mu)(x_i-mu)^T / Nk
            Sigma_new[k] = (Xm.T * r[:, k]) @ Xm / Nk[k]
            Sigma_new[k] += reg_covar * np.eye(d)
        Sigma = Sigma_new

    # ----- Sampling from the learned mixture -----
    # Choose component indices
    z = rng.choice(2, size=n_samples, p=pi)
    samples = np.zeros((n_samples, d))
    for k in range(2):
        idx = np.where(z == k)[0]
        if len(idx) == 0:
            continue
        samples[idx] = rng.multivariate_normal(mean=mu[k], cov=Sigma[k], size=len(idx))

    params = {
        "pi": pi,
        "mu": mu,
        "Sigma": Sigma,
        "loglik_path": np.array(loglik_path, dtype=float),
    }
    return params, samples, r


# -----------------------------
# Optional: convenience (2D line from hyperplane)
# -----------------------------
def line_from_hyperplane_2d(w, b, x_min, x_max, n=200):
    """
    For d=2, returns points on the decision boundary w^T x + b = 0:
    y = -(w0/w1) x - b/w1
    """
    w = np.asarray(w, dtype=float)
    if w.shape[0] != 2:
        raise ValueError("This helper is only for 2D (w must have shape (2,)).")
    xs = np.linspace(x_min, x_max, n)
    if abs(w[1]) < 1e-12:
        # vertical line: w0 x + b = 0 -> x = -b/w0
        x0 = -b / (w[0] + 1e-12)
        ys = np.linspace(-1.0, 1.0, n)
        xs = np.full_like(ys, x0)
    else:
        ys = -(w[0] * xs + b) / w[1]
    return xs, ys



# -----------------------------
# Dataset generator (as requested)
# -----------------------------
def create_dataset(n1=200, n2=200, d=2, separation=2.5, cov_scale=0.8, rotate_deg=25.0, seed=0):
    """
    Generate two point clouds X1 and X2 in R^d (default d=2) with controllable overlap.

    Returns
    -------
    X1 : (n1, d)
    X2 : (n2, d)
    """
    rng = np.random.default_rng(seed)

    if d != 2:
        # For simplicity of visualization, we stick to d=2 by default.
        # You can generalize means/covariances for any d if needed.
        raise ValueError("This create_dataset is set for d=2 to support 2D visualization.")

    # Base covariance
    S0 = cov_scale * np.array([[1.0, 0.6],
                               [0.6, 1.4]])

    # Rotation
    theta = np.deg2rad(rotate_deg)
    R = np.array([[np.cos(theta), -np.sin(theta)],
                  [np.sin(theta),  np.cos(theta)]])
    S1 = R @ S0 @ R.T
    S2 = R.T @ S0 @ R  # slightly different orientation

    # Means
    mu1 = np.array([-separation/2, 0.0])
    mu2 = np.array([+separation/2, 0.0])

    X1 = rng.multivariate_normal(mu1, S1, size=n1)
    X2 = rng.multivariate_normal(mu2, S2, size=n2)
    return X1, X2


# -----------------------------
# EM for 2-GMM WITH history (so sliders truly move parameters)
# -----------------------------
def gmm2_em_and_sample_history(
    X1, X2,
    n_iters=80, tol=1e-6, reg_covar=1e-6, n_samples=200, seed=0,
    init="collapsed",          # <-- NEW: "from_sets" (fast), "random", "collapsed" (slow+pedagogical)
    damping=0.25,              # <-- NEW: alpha in (0,1], smaller => slower
    early_stop=False           # <-- NEW: for demos keep False to run full n_iters
):
    X1 = np.asarray(X1, float)
    X2 = np.asarray(X2, float)
    X = np.vstack([X1, X2])
    n, d = X.shape
    rng = np.random.default_rng(seed)

    # ---------- Initialization ----------
    if init == "from_sets":
        mu = np.stack([X1.mean(axis=0), X2.mean(axis=0)], axis=0)

        def empirical_cov(A):
            if len(A) <= 1:
                return np.eye(d)
            C = np.cov(A.T, bias=False)
            if C.ndim == 0:
                C = np.array([[float(C)]])
            return C

        Sigma = np.stack([empirical_cov(X1), empirical_cov(X2)], axis=0)
        Sigma += reg_covar * np.eye(d)[None, :, :]
        pi = np.array([len(X1), len(X2)], float)
        pi = pi / pi.sum()

    elif init == "random":
        idx = rng.choice(n, size=2, replace=False)
        mu = X[idx].copy()
        C = np.cov(X.T, bias=False)
        if C.ndim == 0:
            C = np.array([[float(C)]])
        Sigma = np.stack([C, C], axis=0) + reg_covar * np.eye(d)[None, :, :]
        pi = np.array([0.5, 0.5], float)

    elif init == "collapsed":
        # both components start near the global mean -> EM must "split" them gradually
        m = X.mean(axis=0)
        jitter = 0.05 * rng.standard_normal((2, d))
        mu = np.stack([m, m], axis=0) + jitter

        C = np.cov(X.T, bias=False)
        if C.ndim == 0:
            C = np.array([[float(C)]])
        Sigma = np.stack([C, C], axis=0) + reg_covar * np.eye(d)[None, :, :]
        pi = np.array([0.5, 0.5], float)

    elif init == "pca_split":
        # Start both components near global mean but separated along the principal direction.
        m = X.mean(axis=0)

        C = np.cov(X.T, bias=False)
        if C.ndim == 0:
            C = np.array([[float(C)]])

        # principal eigenvector
        vals, vecs = np.linalg.eigh(C)
        v = vecs[:, -1]                       # (d,)
        s = np.sqrt(max(vals[-1], 1e-12))     # scale of spread along principal axis

        # delta controls how "far" the initial means are; smaller -> slower but still breaks symmetry
        split_scale = 0.35                    # try 0.25..0.6
        delta = split_scale * s

        mu = np.stack([m - delta * v, m + delta * v], axis=0)

        # same covariance for both components at start (uninformative)
        Sigma = np.stack([C, C], axis=0) + reg_covar * np.eye(d)[None, :, :]

        # slightly asymmetric mixing weights to break symmetry further
        pi = np.array([0.55, 0.45], float)

    else:
        raise ValueError("init must be one of: 'from_sets', 'random', 'collapsed'.")

    # ---------- Helpers ----------
    def log_gaussian_pdf(X, m, S):
        L = np.linalg.cholesky(S)
        Xm = X - m
        v = np.linalg.solve(L, Xm.T)
        quad = np.sum(v * v, axis=0)
        log_det = 2.0 * np.sum(np.log(np.diag(L)))
        return -0.5 * (d * np.log(2.0 * np.pi) + log_det + quad)

    def logsumexp(a, axis=1):
        amax = np.max(a, axis=axis, keepdims=True)
        return (amax + np.log(np.sum(np.exp(a - amax), axis=axis, keepdims=True))).squeeze(axis)

    # ---------- History ----------
    loglik_path = []
    pi_path, mu_path, Sigma_path = [], [], []

    prev_ll = -np.inf

    for it in range(n_iters):
        # store snapshot (so slider can show evolution)
        pi_path.append(pi.copy())
        mu_path.append(mu.copy())
        Sigma_path.append(Sigma.copy())

        # E-step
        log_r = np.zeros((n, 2))
        for k in range(2):
            log_r[:, k] = np.log(pi[k] + 1e-16) + log_gaussian_pdf(X, mu[k], Sigma[k])

        ll = float(np.sum(logsumexp(log_r, axis=1)))
        loglik_path.append(ll)

        log_norm = logsumexp(log_r, axis=1)
        r = np.exp(log_r - log_norm[:, None])

        # optional early stop (disabled by default for pedagogy)
        if early_stop and it > 0 and abs(ll - prev_ll) < tol * (1.0 + abs(prev_ll)):
            break
        prev_ll = ll

        # M-step (compute "new" params)
        Nk = r.sum(axis=0) + 1e-16
        pi_new = Nk / n
        mu_new = (r.T @ X) / Nk[:, None]

        Sigma_new = np.zeros((2, d, d))
        for k in range(2):
            Xm = X - mu_new[k]
            Sigma_new[k] = (Xm.T * r[:, k]) @ Xm / Nk[k]
            Sigma_new[k] += reg_covar * np.eye(d)

        # ---- NEW: damped update ----
        a = float(damping)
        pi = (1 - a) * pi + a * pi_new
        pi = pi / np.sum(pi)  # renormalize

        mu = (1 - a) * mu + a * mu_new
        Sigma = (1 - a) * Sigma + a * Sigma_new

    # final snapshot
    pi_path.append(pi.copy())
    mu_path.append(mu.copy())
    Sigma_path.append(Sigma.copy())

    # Sampling from final mixture
    z = rng.choice(2, size=n_samples, p=pi)
    samples = np.zeros((n_samples, d))
    for k in range(2):
        idx = np.where(z == k)[0]
        if len(idx) == 0:
            continue
        samples[idx] = rng.multivariate_normal(mu[k], Sigma[k], size=len(idx))

    params = {
        "pi": pi,
        "mu": mu,
        "Sigma": Sigma,
        "loglik_path": np.array(loglik_path, float),
        "history": {
            "pi_path": np.array(pi_path, float),
            "mu_path": np.array(mu_path, float),
            "Sigma_path": np.array(Sigma_path, float),
        }
    }
    return params, samples, r

