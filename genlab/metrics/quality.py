"""Sample quality with error bars: the Frechet distance and KID on one feature space.

``QualityMeasure(real_features, real_labels)`` fixes the reference set (for digits: genlab's
classifier features of the 500 held-out MNIST digits, ``heldout_digits_measure``); ``score``
gives both distances for a set of generated features, each with a standard error from a
delete-a-group jackknife (Efron 1982): the examples of both sets are split into G groups,
stratified by class (group = rank within the class mod G), each distance is recomputed with one
group left out of both sets, and

    SE = sqrt((G - 1) / G * sum_g (theta_(-g) - mean_g theta_(-g))^2).

It counts the noise of the generated samples and of the 500 real ones. Two rows scored against
the same reference with the same labels (e.g. two schedulers from the same seeds) are compared
with ``difference``, whose jackknife pairs the left-out groups and so cancels the noise the two
rows share.

Reading the numbers: KID (unbiased) is 0 in expectation for a perfect generator at any n; the
Frechet distance is biased upward at small n, so it is compared only at equal n, beside the
real-vs-real floor at that n (``real_floor``: real training digits against the held-out ones).
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass, field

import numpy as np

from genlab.metrics.frechet import gaussian_frechet_distance
from genlab.metrics.kid import mmd2_unbiased, polynomial_kernel


@dataclass
class Quality:
    n_generated: int
    n_real: int
    frechet: float
    frechet_se: float
    kid: float                      # unbiased MMD^2
    kid_se: float
    groups: int
    leave_out_frechet: list = field(default_factory=list, repr=False)
    leave_out_kid: list = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("leave_out_frechet")
        d.pop("leave_out_kid")
        return d


def _jackknife_se(values) -> float:
    v = np.asarray(values, dtype=np.float64)
    g = len(v)
    return float(math.sqrt((g - 1) / g * np.sum((v - v.mean()) ** 2)))


def group_ids(labels, n: int, groups: int) -> np.ndarray:
    """Group of each example: its rank within its class mod ``groups`` (index mod groups without
    labels), so that leaving a group out keeps the classes balanced."""
    if labels is None:
        return np.arange(n) % groups
    labels = np.asarray(labels).reshape(-1)
    ids = np.empty(n, dtype=np.int64)
    for c in np.unique(labels):
        where = np.flatnonzero(labels == c)
        ids[where] = np.arange(len(where)) % groups
    return ids


def _gaussian(f: np.ndarray):
    return f.mean(0), np.cov(f, rowvar=False)


class QualityMeasure:
    """The Frechet distance and KID of generated features against one fixed real set."""

    def __init__(self, real_features, real_labels=None, *, groups: int = 20):
        self.real = np.asarray(real_features, dtype=np.float64)
        self.groups = int(groups)
        self.real_groups = group_ids(real_labels, len(self.real), self.groups)
        self._k_real = polynomial_kernel(self.real, self.real)
        self._real_gaussians = [_gaussian(self.real)] + [
            _gaussian(self.real[self.real_groups != g]) for g in range(self.groups)]

    def score(self, features, labels=None) -> Quality:
        gen = np.asarray(features, dtype=np.float64)
        gen_groups = group_ids(labels, len(gen), self.groups)
        k_gg, k_gr = polynomial_kernel(gen, gen), polynomial_kernel(gen, self.real)

        def distances(keep_gen, keep_real, real_gaussian):
            fd = gaussian_frechet_distance(*_gaussian(gen[keep_gen]), *real_gaussian)
            kid = mmd2_unbiased(k_gg[np.ix_(keep_gen, keep_gen)],
                                self._k_real[np.ix_(keep_real, keep_real)],
                                k_gr[np.ix_(keep_gen, keep_real)])
            return fd, kid

        all_gen, all_real = np.ones(len(gen), bool), np.ones(len(self.real), bool)
        fd, kid = distances(all_gen, all_real, self._real_gaussians[0])
        leave_out = [distances(gen_groups != g, self.real_groups != g, self._real_gaussians[g + 1])
                     for g in range(self.groups)]
        fds, kids = [v[0] for v in leave_out], [v[1] for v in leave_out]
        return Quality(n_generated=len(gen), n_real=len(self.real), frechet=fd,
                       frechet_se=_jackknife_se(fds), kid=kid, kid_se=_jackknife_se(kids),
                       groups=self.groups, leave_out_frechet=fds, leave_out_kid=kids)


def difference(a: Quality, b: Quality) -> dict:
    """a - b for both distances with the paired jackknife standard error (same reference set,
    same groups: e.g. two samplers run from the same seeds and classes)."""
    fd = [x - y for x, y in zip(a.leave_out_frechet, b.leave_out_frechet)]
    kid = [x - y for x, y in zip(a.leave_out_kid, b.leave_out_kid)]
    return {"frechet": a.frechet - b.frechet, "frechet_se": _jackknife_se(fd),
            "kid": a.kid - b.kid, "kid_se": _jackknife_se(kid)}


@functools.lru_cache(maxsize=1)
def heldout_digits_measure(groups: int = 20) -> QualityMeasure:
    """The reference for digit generators: classifier features of the 500 held-out MNIST digits."""
    from genlab.data.digits import load_mnist
    from genlab.metrics.digits import features

    images, labels = load_mnist("heldout")
    return QualityMeasure(features(images), labels, groups=groups)


def real_floor(n_per_class: int = 100, seed: int = 0, groups: int = 20) -> Quality:
    """What a perfect generator would score at ``10 * n_per_class`` samples: real training digits
    (a stratified random subset) against the held-out ones."""
    from genlab.data.digits import load_mnist
    from genlab.metrics.digits import features

    images, labels = load_mnist("train")
    rng = np.random.default_rng(seed)
    pick = np.concatenate([rng.choice(np.flatnonzero(labels == c), n_per_class, replace=False)
                           for c in range(10)])
    return heldout_digits_measure(groups).score(features(images[pick]), labels[pick])


def digit_quality(images, labels, groups: int = 20) -> Quality:
    """Generated digits (N, 1, 28, 28) in [0, 1] with their intended classes, against held-out ones."""
    from genlab.metrics.digits import features

    return heldout_digits_measure(groups).score(features(images), labels)
