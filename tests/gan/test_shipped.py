"""The shipped digits GAN keeps the promises of its model card (measured, on fewer samples)."""

import json

import numpy as np
import pytest

from genlab.families.gan import pipeline
from genlab.families.gan.evaluate import generate_per_class, within_class_spread
from genlab.metrics import digits as dm

pytestmark = pytest.mark.skipif(not (pipeline.lab_asset() / "model.safetensors").is_file(),
                                reason="the shipped GAN is not built")


def test_shipped_files_are_small_and_documented():
    size = (pipeline.lab_asset() / "model.safetensors").stat().st_size
    assert size < 6e6
    card = (pipeline.lab_asset() / "README.md").read_text()
    assert "genlab train gan" in card and "CPU minutes" in card
    metrics = json.loads((pipeline.lab_asset() / "metrics.json").read_text())
    assert metrics["class_accuracy_t1"] >= 0.9


def test_generated_digits_are_their_class_at_truncation_one():
    gan = pipeline.load_lab_gan()
    images, labels = generate_per_class(gan, 30, 1.0, seed=123)
    assert dm.class_accuracy(images, labels) >= 0.9


def test_lower_truncation_less_diverse_more_faithful():
    gan = pipeline.load_lab_gan()
    spread, accuracy = {}, {}
    for t in (0.2, None):
        images, labels = generate_per_class(gan, 30, t, seed=7)
        spread[t] = within_class_spread(dm.features(images), labels).mean()
        accuracy[t] = dm.class_accuracy(images, labels)
    assert spread[0.2] < 0.5 * spread[None]
    assert accuracy[0.2] >= accuracy[None]


def test_frechet_of_generated_digits_is_far_below_noise():
    from genlab.data.digits import load_mnist

    gan = pipeline.load_lab_gan()
    x_held, _ = load_mnist("heldout")
    images, _ = generate_per_class(gan, 50, None, seed=0)
    f_held = dm.features(x_held)
    fd_gen = dm.frechet_distance(dm.features(images), f_held)
    noise = np.random.default_rng(0).random(x_held.shape).astype(np.float32)
    assert fd_gen < 0.2 * dm.frechet_distance(dm.features(noise), f_held)
