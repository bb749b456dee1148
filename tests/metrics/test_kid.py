"""KID against a brute-force reference, its unbiasedness, and the jackknife error bars."""

import itertools

import numpy as np
import pytest
from sklearn.metrics.pairwise import polynomial_kernel as sklearn_polynomial_kernel

from genlab.errors import InputError
from genlab.metrics.kid import kernel_inception_distance
from genlab.metrics.quality import QualityMeasure, difference, group_ids


def brute_force_kid(a, b):
    """Binkowski et al.'s unbiased MMD^2, term by term, with scikit-learn's polynomial kernel."""
    d = a.shape[1]

    def k(x, y):
        return sklearn_polynomial_kernel(x[None], y[None], degree=3, gamma=1.0 / d, coef0=1.0)[0, 0]

    m, n = len(a), len(b)
    within_a = sum(k(a[i], a[j]) for i, j in itertools.permutations(range(m), 2)) / (m * (m - 1))
    within_b = sum(k(b[i], b[j]) for i, j in itertools.permutations(range(n), 2)) / (n * (n - 1))
    across = sum(k(a[i], b[j]) for i in range(m) for j in range(n)) / (m * n)
    return within_a + within_b - 2 * across


def test_kid_matches_brute_force():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(13, 5)), rng.normal(0.3, 1.2, size=(9, 5))
    assert kernel_inception_distance(a, b) == pytest.approx(brute_force_kid(a, b), rel=1e-10)


def test_kid_is_unbiased_for_equal_distributions_and_positive_for_different_ones():
    rng = np.random.default_rng(1)
    same = [kernel_inception_distance(rng.normal(size=(20, 8)), rng.normal(size=(30, 8)))
            for _ in range(400)]
    # the biased (V-statistic) estimate would be clearly positive at n = 20..30
    assert abs(np.mean(same)) < 3 * np.std(same) / np.sqrt(len(same))
    assert min(same) < 0 < max(same)  # an unbiased estimate of 0 must go both ways
    null = [kernel_inception_distance(rng.normal(size=(200, 8)), rng.normal(size=(200, 8)))
            for _ in range(30)]
    shifted = kernel_inception_distance(rng.normal(size=(200, 8)), rng.normal(0.5, 1, size=(200, 8)))
    assert shifted > np.mean(null) + 5 * np.std(null)


def test_kid_rejects_mismatched_features():
    with pytest.raises(InputError):
        kernel_inception_distance(np.zeros((4, 3)), np.zeros((4, 2)))


def test_groups_are_balanced_within_classes():
    labels = np.repeat(np.arange(3), 10)
    ids = group_ids(labels, 30, 5)
    for c in range(3):
        assert sorted(ids[labels == c]) == sorted(list(range(5)) * 2)


def test_jackknife_error_bars_match_the_spread_of_repeated_measurements():
    rng = np.random.default_rng(2)
    d, labels = 6, np.repeat(np.arange(4), 50)
    real = rng.normal(size=(200, d))
    measure = QualityMeasure(real, labels, groups=20)
    repeats = [measure.score(rng.normal(0.15, 1.0, size=(200, d)), labels) for _ in range(40)]
    for name in ("frechet", "kid"):
        spread = np.std([getattr(q, name) for q in repeats], ddof=1)
        stated = np.mean([getattr(q, f"{name}_se") for q in repeats])
        # the real set is fixed here, so the stated error (which also counts the real set's
        # noise) may exceed the spread of the generated side alone, but not by far
        assert 0.5 * spread < stated < 3.0 * spread, (name, spread, stated)


def test_paired_difference_cancels_shared_noise():
    rng = np.random.default_rng(3)
    labels = np.repeat(np.arange(4), 50)
    measure = QualityMeasure(rng.normal(size=(200, 6)), labels)
    base = rng.normal(size=(200, 6))
    a = measure.score(base + 0.2, labels)
    b = measure.score(base + 0.2 + 0.01 * rng.normal(size=base.shape), labels)
    diff = difference(a, b)
    assert diff["kid_se"] < 0.2 * a.kid_se and diff["frechet_se"] < 0.2 * a.frechet_se
