"""Bias replication and its remedies, as an experiment with numbers.

The lecture's claim: a model trained by maximum likelihood approaches p*(x) in the KL sense, so it
reproduces the data's frequencies -- including a rare group's rarity. Fairness is an external
requirement and can only enter as (1) a change of the training distribution (reweighting,
filtering), (2) a constraint on the model or on generation, (3) post-processing of samples.

The experiment: 2-D points from two groups, A (common) and B (rare, a fraction ``minority`` of
the data), each a Gaussian with its own shape. A generative model (a Gaussian mixture or a small
normalising flow) is trained on the points without the labels; its samples are assigned to a
group by the true generating densities (an oracle that the remedies do not use). A fairness rule
asks for a fraction ``target`` of B. Each remedy is scored by

* ``freq_b``: the fraction of B among the generated points (the data's is ``minority``);
* ``ll_original``: the mean log-density, on held-out points from the original (biased) data, of
  the distribution the remedy actually samples from -- the price paid in fit;
* ``ll_a``, ``ll_b``: the same on each group's held-out points;
* ``cost``: what else it costs, as a dict: {"kind": "points", "used", "of"} (training points),
  {"kind": "ess", "ess", "of"} (Kish's effective sample size of the weights), {"kind": "draws",
  "per_sample"} (model draws per accepted sample), {"kind": "edited", "percent", "group"}.

Remedies:

* ``none``: maximum likelihood on the data.
* ``reweight``: weighted maximum likelihood, w_i = target / minority for B and
  (1 - target) / (1 - minority) for A (the mixture takes it as a weighted resample of the data,
  which has the same expected objective, since its EM takes no sample weights; the flow weights
  its loss exactly).
* ``filter``: drop points of the over-represented group until the ratio is the target.
* ``constrain``: generation under a quota: draw from the unchanged model and accept a point only
  while its group's quota is open (rejection sampling). The sampled distribution is
  q(x) = p(x) t(g(x)) / P(g(x)), P the model's own group frequencies, t the target.
* ``postprocess``: edit samples: move a fraction r of the over-represented group's samples by the
  difference of the group means (an "attribute edit") so the frequencies hit the target; the
  edited points keep the shape of the group they came from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from genlab.errors import InputError, check_choice
from genlab.seeding import numpy_rng

REMEDIES = ("none", "reweight", "filter", "constrain", "postprocess")
MODELS = ("gmm", "flow")

# The two groups of the data: means and covariances (B is rarer and has another shape).
MEANS = np.array([[-1.5, 0.0], [1.5, 0.5]])
COVS = np.array([[[0.45, 0.25], [0.25, 0.35]],
                 [[0.08, 0.0], [0.0, 0.6]]])


# ---------------------------------------------------------------- data and the group oracle

def group_log_densities(x: np.ndarray) -> np.ndarray:
    """log N(x; mu_g, Sigma_g) for both groups, shape (n, 2)."""
    from scipy.stats import multivariate_normal

    return np.stack([multivariate_normal(MEANS[g], COVS[g]).logpdf(x) for g in range(2)], axis=1)


def group_of(x: np.ndarray) -> np.ndarray:
    """The group (0 = A, 1 = B) whose generating density is higher at x, shape (n,)."""
    return np.argmax(group_log_densities(np.atleast_2d(x)), axis=1)


def true_log_prob(x: np.ndarray, minority: float) -> np.ndarray:
    """log p*(x) of the data distribution, shape (n,)."""
    prior = np.log([1 - minority, minority])
    return np.logaddexp(*(group_log_densities(x) + prior).T)


def make_data(n: int, minority: float, rng: np.random.Generator):
    """``(x (n, 2), y (n,))``: each point is B with probability ``minority``."""
    y = (rng.random(n) < minority).astype(int)
    x = np.empty((n, 2))
    for g in range(2):
        idx = np.flatnonzero(y == g)
        x[idx] = rng.multivariate_normal(MEANS[g], COVS[g], size=len(idx))
    return x, y


# ---------------------------------------------------------------- the two model families

class Mixture:
    """genlab's EM Gaussian mixture (``genlab.classic``) with fit(x, weights) / log_prob /
    sample(n, seed=...), the flow's interface."""

    def __init__(self, n_components: int, seed: int):
        self.n_components, self.seed = n_components, seed

    def fit(self, x: np.ndarray, weights: np.ndarray | None = None) -> "Mixture":
        from genlab.classic.gmm import GaussianMixtureEM

        if weights is not None:        # weighted MLE as a weighted resample (same expectation)
            rng = np.random.default_rng(self.seed)
            x = x[rng.choice(len(x), size=len(x), p=weights / weights.sum())]
        self.gmm_ = GaussianMixtureEM(self.n_components, init="pca_split", max_iter=300,
                                      random_state=self.seed % 2**32).fit(x)  # scikit-learn's seeds are 32-bit
        return self

    def log_prob(self, x: np.ndarray) -> np.ndarray:
        return self.gmm_.score_samples(x)

    def sample(self, n: int, *, seed: int) -> np.ndarray:
        return self.gmm_.sample(n, seed=seed)


def make_model(request):
    if request.model == "gmm":
        return Mixture(request.n_components, request.seed)
    from genlab.families.flow.model import Flow2D

    return Flow2D(steps=request.flow_steps, seed=request.seed)


def draw(model, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` samples of ``model``, seeded from the experiment's own generator."""
    return model.sample(n, seed=int(rng.integers(2**31 - 1)))


# ---------------------------------------------------------------- the remedies

def fairness_weights(y: np.ndarray, target: float) -> np.ndarray:
    """w_i = target / freq(B) for B, (1 - target) / freq(A) for A: the weighted data has the
    target frequency exactly."""
    freq_b = y.mean()
    return np.where(y == 1, target / freq_b, (1 - target) / (1 - freq_b))


def filter_to_target(y: np.ndarray, target: float, rng: np.random.Generator) -> np.ndarray:
    """Indices of a subset whose fraction of B is ``target``, dropping only the surplus group."""
    idx_a, idx_b = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
    if len(idx_b) / len(y) < target:       # too few B: keep all B, drop A
        keep_a = int(round(len(idx_b) * (1 - target) / target))
        idx_a = rng.choice(idx_a, size=min(keep_a, len(idx_a)), replace=False)
    else:
        keep_b = int(round(len(idx_a) * target / (1 - target)))
        idx_b = rng.choice(idx_b, size=min(keep_b, len(idx_b)), replace=False)
    return np.sort(np.concatenate([idx_a, idx_b]))


def quota_sample(model, n: int, target: float, rng: np.random.Generator,
                 max_draws: int = 2_000_000):
    """Rejection sampling under group quotas: ``(samples (n, 2), draws used)``."""
    quota = np.array([n - int(round(n * target)), int(round(n * target))])
    taken, draws = [], 0
    have = np.zeros(2, int)
    while have.sum() < n:
        if draws >= max_draws:  # the model almost never generates the rare group
            raise InputError("target", "bias_quota_unfilled", draws=max_draws)
        batch = draw(model, max(1024, 2 * n), rng)
        draws += len(batch)
        for g in range(2):
            pts = batch[group_of(batch) == g][: quota[g] - have[g]]
            have[g] += len(pts)
            taken.append(pts)
    out = np.concatenate(taken)
    return out[rng.permutation(len(out))], draws


def edit_fraction(p_b: float, target: float) -> tuple[int, float]:
    """(source group, fraction of its samples to move) so that the B fraction becomes target."""
    if p_b < target:
        return 0, (target - p_b) / (1 - p_b)
    return 1, (p_b - target) / p_b


def postprocess_samples(samples: np.ndarray, target: float, shift: np.ndarray, p_b: float,
                        rng: np.random.Generator) -> np.ndarray:
    """Move a fraction of the over-represented group's samples by +-``shift`` (A -> B is +)."""
    source, r = edit_fraction(p_b, target)
    out = samples.copy()
    move = (group_of(samples) == source) & (rng.random(len(samples)) < r)
    out[move] += shift if source == 0 else -shift
    return out


def postprocess_log_prob(model, x: np.ndarray, target: float, shift: np.ndarray,
                         p_b: float) -> np.ndarray:
    """log q(x) of the edited distribution: kept mass at x plus moved mass from x -+ shift."""
    source, r = edit_fraction(p_b, target)
    delta = shift if source == 0 else -shift
    lp = model.log_prob(x)
    keep = np.where(group_of(x) == source, np.log1p(-r), 0.0)
    origin = x - delta
    moved_lp = np.where(group_of(origin) == source, np.log(r) + model.log_prob(origin), -np.inf)
    return np.logaddexp(lp + keep, moved_lp)


def fairness_price(minority: float, target: float) -> float:
    """KL(Bernoulli(minority) || Bernoulli(target)) in nats: the least fit (E log p* - E log q on
    the original data) that ANY distribution q with the target group frequency must give up.

    By the data-processing inequality KL(p* || q) >= KL of the group marginals; equality holds for
    q(x) = p*(x | g) t(g), which is what an exact model under the quota constraint samples from.
    """
    p, t = minority, target
    return float(p * np.log(p / t) + (1 - p) * np.log((1 - p) / (1 - t)))


# ---------------------------------------------------------------- the experiment

@dataclass
class RemedyResult:
    remedy: str
    freq_b: float            # fraction of B among generated points
    ll_original: float       # mean log q on held-out original data (nats per point)
    ll_a: float
    ll_b: float
    cost: dict               # what else it costs (see the module docstring)
    samples: np.ndarray      # (n_samples, 2)

    def row(self) -> dict:
        d = asdict(self)
        d.pop("samples")
        return d


@dataclass
class BiasExperiment:
    request: object          # genlab.ethics.pipeline.BiasRequest: the settings it ran with
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    data_freq_b: float
    ll_true: float           # mean log p*(x) on the held-out data: the best any model can do
    results: dict            # remedy -> RemedyResult
    price: float             # fairness_price(minority, target): least fit lost at the target

    def table(self) -> list[dict]:
        return [r.row() for r in self.results.values()]


def _score(remedy, log_q, samples, x_test, y_test, cost) -> RemedyResult:
    lq = log_q(x_test)
    return RemedyResult(remedy, float(np.mean(group_of(samples) == 1)), float(lq.mean()),
                        float(lq[y_test == 0].mean()), float(lq[y_test == 1].mean()), cost, samples)


def run(request, remedies=REMEDIES) -> BiasExperiment:
    """Train the model per remedy, generate, and score; deterministic given ``request.seed``.

    ``request``: a ``genlab.ethics.pipeline.BiasRequest`` (checked here).
    """
    request = request.checked()
    for r in remedies:
        check_choice("remedy", r, REMEDIES)
    rng = numpy_rng(request.seed)
    x, y = make_data(request.n_train, request.minority, rng)
    if y.sum() < 2:
        raise InputError("minority", "bias_too_few_b", got=int(y.sum()))
    x_test, y_test = make_data(request.n_test, request.minority, rng)
    n = request.n_samples

    base = make_model(request).fit(x)
    results = {}
    if "none" in remedies:
        results["none"] = _score("none", base.log_prob, draw(base, n, rng), x_test, y_test,
                                 {"kind": "points", "used": len(x), "of": len(x)})
    if "reweight" in remedies:
        w = fairness_weights(y, request.target)
        m = make_model(request).fit(x, w)
        ess = w.sum() ** 2 / (w ** 2).sum()         # Kish's effective sample size
        results["reweight"] = _score("reweight", m.log_prob, draw(m, n, rng), x_test, y_test,
                                     {"kind": "ess", "ess": round(float(ess), 1), "of": len(x)})
    if "filter" in remedies:
        keep = filter_to_target(y, request.target, rng)
        m = make_model(request).fit(x[keep])
        results["filter"] = _score("filter", m.log_prob, draw(m, n, rng), x_test, y_test,
                                   {"kind": "points", "used": len(keep), "of": len(x)})
    if "constrain" in remedies or "postprocess" in remedies:
        p_b = float(np.mean(group_of(draw(base, 20000, rng)) == 1))    # model's own B frequency
        p_b = min(max(p_b, 1e-4), 1 - 1e-4)
    if "constrain" in remedies:
        samples, draws = quota_sample(base, n, request.target, rng)
        t = np.array([1 - request.target, request.target])
        p = np.array([1 - p_b, p_b])

        def log_q_constrained(xs):
            return base.log_prob(xs) + np.log(t / p)[group_of(xs)]
        results["constrain"] = _score("constrain", log_q_constrained, samples, x_test, y_test,
                                      {"kind": "draws", "per_sample": round(draws / n, 2)})
    if "postprocess" in remedies:
        shift = x[y == 1].mean(0) - x[y == 0].mean(0)
        samples = postprocess_samples(draw(base, n, rng), request.target, shift, p_b, rng)
        source, r = edit_fraction(p_b, request.target)
        results["postprocess"] = _score(
            "postprocess", lambda xs: postprocess_log_prob(base, xs, request.target, shift, p_b),
            samples, x_test, y_test,
            {"kind": "edited", "percent": round(100 * r, 1), "group": "AB"[source]})
    return BiasExperiment(request, x, y, x_test, y_test, float(y.mean()),
                          float(true_log_prob(x_test, request.minority).mean()), results,
                          fairness_price(request.minority, request.target))
