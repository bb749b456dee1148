"""The lecture's taxonomy, run: explicit, implicit and latent models fitted to the same 2-D data.

Each family answers the same two questions in code (``genlab.core``): can it give log p(x) —
exactly, as a bound, or not at all — and how does it sample? ``compare_on_toy`` fits one model
of each kind to a toy set and measures, on held-out points, what each can say about p(x), plus
how far its samples are from the data (sliced Wasserstein distance) and what sampling costs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from genlab.compute import one_thread
from genlab.core import NoDensityError
from genlab.data.toy2d import TOY_SETS, load_toy
from genlab import limits
from genlab.errors import check_choice, check_int

# name -> (family, kind in the lecture's taxonomy, density, sampling, network evals per sample);
# a model that declares ``density``/``sampling`` itself must agree (checked in compare_on_toy).
MODELS = {
    "mixture": ("Gaussian mixture (EM)", "explicit", "exact", "one-shot", 1),
    "flow": ("normalizing flow (RealNVP)", "explicit", "exact", "one-shot", 1),
    "gan": ("GAN", "implicit", "none", "one-shot", 1),
    "vae": ("VAE", "latent", "bound", "one-shot", 1),
    "diffusion": ("diffusion (DDIM)", "latent", "bound", "iterative", None),  # None: the NFE
}
DIFFUSION_NFE = 50
DIFFUSION_GUIDANCE = 1.0   # the plain conditional model: guidance > 1 would over-sharpen the modes


@dataclass
class ToyResult:
    name: str
    family: str
    kind: str                       # explicit / implicit / latent
    density: str                    # exact / bound / none
    sampling: str                   # one-shot / sequential / iterative
    samples: np.ndarray             # (n_samples, 2)
    nfe: int                        # network evaluations per sample
    fit_seconds: float
    sample_seconds: float
    distance: float                 # sliced Wasserstein distance to held-out data
    scores: dict = field(default_factory=dict)   # mean log p (exact) or ELBO / IWAE (bound), nats
    score_sems: dict = field(default_factory=dict)   # the standard error of each mean over held-out points
    no_density: str = ""            # the model's own explanation when it has no density


def sliced_wasserstein(a: np.ndarray, b: np.ndarray, *, n_projections: int = 128,
                       seed: int = 0) -> float:
    """Mean 1-D Wasserstein distance between random projections of two point clouds."""
    from scipy.stats import wasserstein_distance

    rng = np.random.default_rng(seed)
    directions = rng.standard_normal((n_projections, a.shape[1]))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    pa, pb = a @ directions.T, b @ directions.T
    return float(np.mean([wasserstein_distance(pa[:, k], pb[:, k]) for k in range(n_projections)]))


def _fit(name: str, x: np.ndarray, data: str, steps: int, seed: int):
    """Fit model ``name`` to x (n, 2); return (model, sample_fn, score_fn)."""
    import torch

    if name == "mixture":
        from genlab.classic.gmm import GaussianMixtureEM

        from sklearn.cluster import KMeans

        # EM finds a local optimum; start it from k-means clusters, as scikit-learn does
        labels = KMeans(n_clusters=8, n_init=4, random_state=seed).fit_predict(x)
        model = GaussianMixtureEM(n_components=8, init="from_sets", max_iter=200).fit(x, labels)
        return model, lambda n, s: model.sample(n, seed=s), lambda v: {"log p(x)": model.log_prob(v)}
    if name == "flow":
        from genlab.families.flow import Flow2D, FlowConfig

        model = Flow2D(FlowConfig(steps=max(100, steps // 2)), seed=seed).fit(x)
        return (model, lambda n, s: model.sample(n, np.random.default_rng(s)),
                lambda v: {"log p(x)": model.log_prob(v)})
    if name == "gan":
        from genlab.families.gan.toy import ToyGAN, train_toy_gan

        torch.manual_seed(seed)
        model = ToyGAN()
        train_toy_gan(model, data, steps=steps, seed=seed, log_every=max(1, steps))
        return model, lambda n, s: model.sample(n, seed=s).numpy(), None
    if name == "vae":
        from genlab.families.vae.toy_vae import train_toy_vae

        # a learned mixture prior and a KL warm-up: with N(0, I) the decoder variance takes over
        # and the samples are a blob over the data (see toy_vae's docstring)
        model = train_toy_vae(x, steps=steps, seed=seed)

        def scores(v):
            t = torch.as_tensor(v, dtype=torch.float32)
            with torch.no_grad():
                return {"ELBO": model.elbo(t, seed=seed).numpy(),
                        "IWAE (k=64)": model.iwae(t, k=64, seed=seed).numpy()}
        return model, lambda n, s: model.sample(n, seed=s).numpy(), scores
    if name == "diffusion":
        from genlab.families.diffusion.pipeline import load_lab_model

        model = load_lab_model("toy2d")  # shipped, trained on every toy set; y picks the set
        return (model, lambda n, s: _diffusion_sample(model, n, s, data),
                lambda v: {"ELBO": _diffusion_elbo_nats(model, v, data)})
    raise ValueError(name)


def _diffusion_sample(model, n, seed, data):
    return model.sample(n, condition=data, seed=seed, scheduler="ddim", nfe=DIFFUSION_NFE,
                        guidance=DIFFUSION_GUIDANCE).numpy()


def _diffusion_elbo_nats(model, v, data):
    bits_per_dim = model.elbo(v, condition=data).numpy()
    return bits_per_dim * v.shape[1] * np.log(2.0)  # bits/dim -> nats per 2-D point


def compare_on_toy(data: str = "eight_gaussians", *, n_train: int = 2000, n_samples: int = 1000,
                   steps: int = 1500, seed: int = 0, models=tuple(MODELS),
                   progress: Callable[[float, str], None] | None = None) -> list[ToyResult]:
    """Fit each model to ``n_train`` points of ``data`` and compare them on held-out points."""
    check_choice("data", data, TOY_SETS)
    n_train = check_int("n_train", n_train, 100, 20_000)
    n_samples = check_int("n_samples", n_samples, 10, 10_000)
    steps = check_int("steps", steps, 50, limits.MAX_TAXONOMY_STEPS)
    for name in models:
        check_choice("models", name, MODELS)
    x = load_toy(data, n_train, seed=seed)
    held_out = load_toy(data, n_samples, seed=seed + 1)
    with one_thread():
        return [_compare_one(name, i, len(models), x, held_out, data, steps, seed, n_samples,
                             progress) for i, name in enumerate(models)]


def _compare_one(name, i, total, x, held_out, data, steps, seed, n_samples, progress) -> ToyResult:
    if progress:
        progress(i / total, name)
    family, kind, density, sampling, nfe = MODELS[name]
    start = time.perf_counter()
    model, sample_fn, score_fn = _fit(name, x, data, steps, seed)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    samples = np.asarray(sample_fn(n_samples, seed), dtype=np.float64)
    sample_s = time.perf_counter() - start
    for attr, declared in (("density", density), ("sampling", sampling)):
        if getattr(model, attr, declared) != declared:
            raise AssertionError(f"{name}: {attr} is {getattr(model, attr)}, not {declared}")
    scores, score_sems, reason = {}, {}, ""
    if score_fn is None:
        try:
            model.log_prob(held_out)
        except NoDensityError as err:
            reason = str(err)
    else:
        per_point = score_fn(held_out)
        scores = {k: float(np.mean(v)) for k, v in per_point.items()}
        score_sems = {k: float(np.std(v, ddof=1) / np.sqrt(len(v))) for k, v in per_point.items()}
    return ToyResult(
        name=name, family=family, kind=kind, density=density, sampling=sampling,
        samples=samples, nfe=DIFFUSION_NFE if nfe is None else nfe, fit_seconds=fit_s,
        sample_seconds=sample_s, distance=sliced_wasserstein(samples, held_out, seed=seed),
        scores=scores, score_sems=score_sems, no_density=reason)
