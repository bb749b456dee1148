import numpy as np
import pytest

from genlab.data.digits import load_mnist
from genlab.errors import InputError
from genlab.metrics import digits


def test_shipped_classifier_is_accurate_on_heldout_digits():
    x, y = load_mnist("heldout")
    assert digits.class_accuracy(x, y) >= 0.97
    # the same images in [-1, 1] give the same answer with signed=True
    np.testing.assert_array_equal(digits.classify(x * 2 - 1, signed=True), digits.classify(x))


def test_features_shape_and_frechet_real_vs_real_is_small_vs_shuffled_pixels():
    x, _ = load_mnist("heldout")
    xt, _ = load_mnist("train")
    subset = np.random.default_rng(0).permutation(len(xt))[:500]  # the CSV is sorted by class
    f_held, f_train = digits.features(x), digits.features(xt[subset])
    assert f_held.shape == (500, digits.FEATURE_DIM)
    real_vs_real = digits.frechet_distance(f_held, f_train)
    rng = np.random.default_rng(0)
    noise = rng.permutation(x.reshape(500, -1), axis=1).reshape(x.shape)  # same pixels, no digits
    real_vs_noise = digits.frechet_distance(f_held, digits.features(noise))
    assert real_vs_real * 10 < real_vs_noise


def test_bad_image_shape():
    with pytest.raises(InputError, match="images"):
        digits.classify(np.zeros((2, 1, 8, 8)))


def test_a_short_training_run_learns(monkeypatch):
    import torch

    torch.manual_seed(0)
    model, acc, _ = digits.train_digits_classifier(epochs=3, seed=0, n_train=640, log=lambda *_: None)
    assert acc > 0.5  # 30 steps on 640 digits are far above the 10% of chance
