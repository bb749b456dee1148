"""Quality of the digits model: class accuracy, Frechet distance, the ELBO, and the NFE trade-off.

Samples are judged with genlab's shipped digits classifier (``genlab.metrics.digits``): its
predicted class (does a guided "7" look like a 7?) and the Frechet distance between its 128-d
features of generated and held-out real digits (FID's recipe with a small in-domain network).
"""

from __future__ import annotations

import time

import numpy as np
import torch

from genlab.families.diffusion.pipeline import load_lab_model


def guided_samples(model, n_per_class: int, *, scheduler: str, nfe: int, guidance: float,
                   seed: int, batch: int = 100):
    """n_per_class samples of every class: images (N, 1, 28, 28) in [0, 1], labels (N,), seconds."""
    labels = np.repeat(np.arange(model.num_classes), n_per_class)
    images, start = [], time.perf_counter()
    for i in range(0, len(labels), batch):
        part = labels[i:i + batch]
        images.append(model.sample(len(part), condition=part.tolist(), seed=seed + i,
                                   scheduler=scheduler, nfe=nfe, guidance=guidance).numpy())
    return np.concatenate(images), labels, time.perf_counter() - start


def evaluate_digits(name: str = "mnist", *, scheduler: str = "deis", nfe: int = 20,
                    guidance: float = 3.0, n_per_class: int = 20, elbo_images: int = 20,
                    elbo_timesteps: int = 100, seed: int = 0) -> dict:
    from genlab.data.digits import load_mnist
    from genlab.metrics.digits import class_accuracy, features
    from genlab.metrics.frechet import frechet_distance

    model = load_lab_model(name)
    images, labels, seconds = guided_samples(model, n_per_class, scheduler=scheduler, nfe=nfe,
                                             guidance=guidance, seed=seed)
    real, _ = load_mnist("heldout")
    elbo = model.elbo(torch.from_numpy(real[:elbo_images]), n_timesteps=elbo_timesteps, seed=seed)
    return {
        "model": name, "scheduler": scheduler, "nfe": nfe, "guidance": guidance,
        "samples": int(len(labels)),
        "class_accuracy": class_accuracy(images, labels),
        "frechet_distance_vs_heldout": frechet_distance(features(images), features(real)),
        "seconds_per_sample": seconds / len(labels),
        "elbo_bits_per_dim_heldout": float(elbo.mean()),
        "elbo_note": f"unconditional bound on log p(x), x in [0,1]^784 (continuous density), "
                     f"{elbo_images} held-out images, {elbo_timesteps} random timesteps",
    }
