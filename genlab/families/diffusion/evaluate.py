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


def sample_labels(model, labels, *, scheduler: str, nfe: int, guidance: float, seed: int,
                  spacing: str = "trailing", batch: int = 100, on_batch=None) -> np.ndarray:
    """One sample per label (labels (N,) ints; None entries: unconditional), in batches of
    ``batch`` (batch i starts at index i and draws with seed + i): (N, *data_shape)."""
    labels = list(labels)
    images = []
    for i in range(0, len(labels), batch):
        part = labels[i:i + batch]
        condition = None if part[0] is None else [int(v) for v in part]
        images.append(model.sample(len(part), condition=condition, seed=seed + i,
                                   scheduler=scheduler, nfe=nfe, guidance=guidance,
                                   spacing=spacing).numpy())
        if on_batch is not None:
            on_batch(len(part))
    return np.concatenate(images)


def guided_samples(model, n_per_class: int, *, scheduler: str, nfe: int, guidance: float,
                   seed: int, batch: int = 100):
    """n_per_class samples of every class: images (N, 1, 28, 28) in [0, 1], labels (N,), seconds."""
    labels = np.repeat(np.arange(model.num_classes), n_per_class)
    start = time.perf_counter()
    images = sample_labels(model, labels, scheduler=scheduler, nfe=nfe, guidance=guidance,
                           seed=seed, batch=batch)
    return images, labels, time.perf_counter() - start


def evaluate_digits(name: str = "mnist", *, scheduler: str = "deis", nfe: int = 20,
                    guidance: float = 2.0, n_per_class: int = 100, elbo_images: int = 100,
                    elbo_timesteps: int | None = 100, seed: int = 0) -> dict:
    """Sample quality of guided samples against the held-out digits (``genlab.metrics.quality``:
    Frechet distance and KID with jackknife standard errors, beside the real-data floor at the
    same n), class accuracy, and the bound on log p(x) of held-out digits (mean and standard
    error over ``elbo_images`` images, ``elbo_timesteps`` importance-sampled timesteps each, or
    all with None)."""
    from genlab.data.digits import load_mnist
    from genlab.errors import check_int
    from genlab.families.diffusion.elbo import summarize
    from genlab.metrics.digits import class_accuracy
    from genlab.metrics.quality import digit_quality, real_floor

    n_per_class = check_int("n_per_class", n_per_class, 2, 1000)
    elbo_images = check_int("elbo_images", elbo_images, 2, 500)
    model = load_lab_model(name)
    images, labels, seconds = guided_samples(model, n_per_class, scheduler=scheduler, nfe=nfe,
                                             guidance=guidance, seed=seed)
    quality = digit_quality(images, labels)
    floor = real_floor(n_per_class, seed=seed)
    real, _ = load_mnist("heldout")
    pick = np.linspace(0, len(real) - 1, elbo_images).astype(int)  # spread over the classes
    values = model.elbo(torch.from_numpy(real[pick]), n_timesteps=elbo_timesteps, seed=seed)
    bound = summarize(values.numpy(), n_timesteps=elbo_timesteps, total_timesteps=len(model._abar),
                      dims=int(np.prod(model.data_shape)))
    calibrated = not torch.isnan(model.log_x0_mse).any()
    return {
        "model": name, "scheduler": scheduler, "nfe": nfe, "guidance": guidance,
        "samples": int(len(labels)),
        "class_accuracy": class_accuracy(images, labels),
        "frechet_distance_vs_heldout": quality.frechet, "frechet_se": quality.frechet_se,
        "kid_vs_heldout": quality.kid, "kid_se": quality.kid_se,
        "floor_frechet": floor.frechet, "floor_frechet_se": floor.frechet_se,
        "floor_kid": floor.kid, "floor_kid_se": floor.kid_se,
        "seconds_per_sample": seconds / len(labels),
        "elbo_nats_per_image": bound.mean, "elbo_nats_per_image_se": bound.stderr,
        "nll_bits_per_dim_heldout": bound.bits_per_dim,
        "nll_bits_per_dim_heldout_se": bound.bits_per_dim_stderr,
        "elbo_note": f"unconditional bound on log P(x) of {elbo_images} held-out digits as 8-bit "
                     f"images (discretised decoder; bits/dim = -ELBO / (784 ln 2), an upper bound "
                     f"on the NLL), {bound.timesteps} timesteps per image, one noise draw each; "
                     f"reverse variances: {'optimal, measured on training digits' if calibrated else 'fixed (posterior)'}; "
                     f"± is the standard error over images",
    }
