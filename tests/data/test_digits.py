import gzip

import numpy as np
import pytest

from genlab.data.digits import load_mnist, load_small_digits, mnist_path
from genlab.errors import InputError


def test_mnist_shapes_ranges_and_balance():
    x, y = load_mnist("all")
    assert x.shape == (5000, 1, 28, 28) and x.dtype == np.float32
    assert y.shape == (5000,) and y.dtype == np.int64
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(np.bincount(y), [500] * 10)


def test_mnist_matches_raw_csv_independently_parsed():
    with gzip.open(mnist_path(), "rt") as f:
        rows = [next(f) for _ in range(3)]
    x, y = load_mnist("all")
    for i, row in enumerate(rows):
        values = [int(v) for v in row.strip().split(",")]
        assert y[i] == values[-1]
        np.testing.assert_allclose(x[i, 0].ravel() * 255, values[:-1], atol=1e-3)


def test_split_is_fixed_stratified_and_disjoint():
    xt, yt = load_mnist("train")
    xh, yh = load_mnist("heldout")
    assert len(yt) == 4500 and len(yh) == 500
    np.testing.assert_array_equal(np.bincount(yh), [50] * 10)
    np.testing.assert_array_equal(np.bincount(yt), [450] * 10)
    xh2, _ = load_mnist("heldout")
    np.testing.assert_array_equal(xh, xh2)
    # no held-out image appears in the training split
    train_rows = {r.tobytes() for r in (xt.reshape(len(xt), -1) * 255).astype(np.uint8)}
    overlap = sum(r.tobytes() in train_rows for r in (xh.reshape(len(xh), -1) * 255).astype(np.uint8))
    assert overlap <= 2  # MNIST has a handful of exact duplicates, not a leaked split
    other, _ = load_mnist("heldout", seed=1)
    assert not np.array_equal(other, xh)


def test_signed_range():
    x, _ = load_mnist("heldout", signed=True)
    assert x.min() == -1.0 and x.max() == 1.0


def test_small_digits():
    x, y = load_small_digits()
    assert x.shape == (1797, 1, 8, 8) and x.min() == 0.0 and x.max() == 1.0
    xh, yh = load_small_digits("heldout")
    np.testing.assert_array_equal(np.bincount(yh), [17] * 10)


def test_bad_split():
    with pytest.raises(InputError, match="split"):
        load_mnist("validation")
