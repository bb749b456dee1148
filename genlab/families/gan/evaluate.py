"""Measuring the digits GAN with genlab's shipped classifier (there is no likelihood to report).

* fidelity: class accuracy (generated digits of class c classified as c) and the classifier's
  mean confidence;
* diversity: the spread of generated digits in feature space within a class, as a fraction of the
  spread of real digits of that class (1.0 = as varied as the data);
* both at once: the Frechet distance of classifier features to held-out real digits, beside the
  same distance between two sets of real digits of the same size.
"""

from __future__ import annotations

import numpy as np
import torch

from genlab.data.digits import load_mnist
from genlab.families.gan.truncation import truncated_normal
from genlab.metrics import digits as dm

SWEEP = (0.1, 0.25, 0.5, 0.75, 1.0, None)  # None: no truncation, z ~ N(0, I)


def generate_per_class(gan, n_per_class: int, truncation: float | None, seed: int = 0):
    """(10 * n_per_class, 1, 28, 28) images in [0, 1] and their intended labels."""
    gen = torch.Generator().manual_seed(seed)
    labels = torch.arange(gan.n_classes).repeat_interleave(n_per_class)
    z = truncated_normal((len(labels), gan.z_dim), truncation, gen)
    images = torch.cat([gan.generate(z[i:i + 500], labels[i:i + 500]) for i in range(0, len(labels), 500)])
    return images.numpy(), labels.numpy()


def within_class_spread(feats: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """sqrt(trace of the feature covariance) of each class, (n_classes,)."""
    return np.array([np.sqrt(np.trace(np.cov(feats[labels == c], rowvar=False)))
                     for c in np.unique(labels)])


def class_accuracy_of(gan, truncation: float | None = 1.0, n_per_class: int = 100, seed: int = 0) -> dict:
    images, labels = generate_per_class(gan, n_per_class, truncation, seed)
    return {"class_accuracy": dm.class_accuracy(images, labels)}


def evaluate_gan(gan, *, n_per_class: int = 50, seed: int = 0, sweep=SWEEP) -> dict:
    """All of the GAN's metrics (a dict of plain numbers), measured in one run."""
    x_held, y_held = load_mnist("heldout")
    x_train, y_train = load_mnist("train")
    rng = np.random.default_rng(seed)
    real_subset = np.concatenate([rng.choice(np.flatnonzero(y_train == c), len(y_held) // 10, replace=False)
                                  for c in range(10)])
    f_held = dm.features(x_held)
    f_real2 = dm.features(x_train[real_subset])
    real_spread = within_class_spread(f_held, y_held)
    result = {
        "n_generated_per_class": n_per_class,
        "heldout_images": len(y_held),
        "frechet_real_vs_real": dm.frechet_distance(f_real2, f_held),
        "real_class_accuracy": dm.class_accuracy(x_held, y_held),
        "sweep": [],
    }
    for t in sweep:
        images, labels = generate_per_class(gan, n_per_class, t, seed)
        probs = dm.probabilities(images)
        feats = dm.features(images)
        result["sweep"].append({
            "truncation": "none" if t is None else t,
            "class_accuracy": float(np.mean(probs.argmax(1) == labels)),
            "confidence": float(np.mean(probs[np.arange(len(labels)), labels])),
            "diversity": float(np.mean(within_class_spread(feats, labels) / real_spread)),
            "frechet_vs_heldout": dm.frechet_distance(feats, f_held),
        })
    at_one = next(r for r in result["sweep"] if r["truncation"] == 1.0)
    result["class_accuracy_t1"] = at_one["class_accuracy"]
    result["frechet_gen_vs_heldout_t1"] = at_one["frechet_vs_heldout"]
    return result
