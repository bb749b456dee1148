"""The lecture's taxonomy, run: explicit, implicit and latent models fitted to the same 2-D data.

Each family answers the same two questions in code (``genlab.core``): can it give log p(x) —
exactly, as a bound, or not at all — and how does it sample? ``compare`` fits one model of each
family to a toy set (each family's own hook, ``genlab.registry.TOY_MODELS``) and measures, on
held-out points, what each can say about p(x), how far its samples are from the data (sliced
Wasserstein distance) and what fitting and sampling cost. The kinds are read off the models'
classes (``density``, ``sampling``); nothing here repeats them.

    result = compare(TaxonomyRequest(data="moons", steps=800))
    result.models        # one ModelResult per family: kind, scores (nats/point), distance, seconds
    result.show()        # the figure: each model's samples over the data
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, ClassVar

import numpy as np

from genlab import limits
from genlab.compute import one_thread
from genlab.core import NoDensityError, kind_of
from genlab.data.toy2d import TOY_SETS, load_toy
from genlab.errors import check_choice
from genlab.i18n import LANGS, Translator
from genlab.params import Request, Result, param
from genlab.registry import TOY_MODELS, toy_model

SECTION = "taxonomy"
MODELS = tuple(TOY_MODELS)


@dataclass(frozen=True)
class TaxonomyRequest(Request):
    """One model of each family fitted to ``n_train`` points of ``data``; ``steps`` training steps
    for the ones trained here (flow, GAN, VAE); ``n_samples`` held-out points and samples each."""

    SECTION: ClassVar[str] = SECTION
    PIPELINE: ClassVar[str] = "compare"

    data: str = param("eight_gaussians", choices=TOY_SETS)
    steps: int = param(1500, low=100, high=limits.MAX_TAXONOMY_STEPS, step=100)
    n_train: int = param(2000, low=100, high=limits.MAX_TAXONOMY_POINTS, step=100)
    n_samples: int = param(1000, low=100, high=limits.MAX_TAXONOMY_POINTS, step=100)
    seed: int = param(0, kind="seed")
    lang: str = param("en", choices=LANGS)


@dataclass
class ModelResult:
    """What one model said about the held-out points, and what it cost."""

    name: str                       # the family (a key of genlab.registry.TOY_MODELS)
    kind: str                       # explicit / implicit / latent
    density: str                    # exact / bound / none
    sampling: str                   # one-shot / sequential / iterative
    samples: np.ndarray             # (n_samples, 2)
    nfe: int                        # network evaluations per sample
    fit_seconds: float
    sample_seconds: float
    distance: float                 # sliced Wasserstein distance to held-out data
    scores: dict = field(default_factory=dict)        # mean log p (exact) or bounds, nats per point
    score_stderr: dict = field(default_factory=dict)  # standard error of each mean over the points
    no_density: NoDensityError | None = None          # the model's own answer when it has no density


FIGURE_TEXT = ("data_caption", "p_of_x")


@dataclass
class TaxonomyResult(Result):
    held_out: np.ndarray            # (n_samples, 2): the points every model is measured on
    models: list[ModelResult]

    def show(self):
        """Each model's samples over the held-out data (a matplotlib figure, in the request's language)."""
        from genlab.viz.taxonomy import taxonomy_panels

        tr = Translator(SECTION, self.request.lang)
        titles = [f"{tr('model_' + m.name)}\n{tr(m.kind)} · {tr('p_of_x')}: {tr(m.density)}" for m in self.models]
        return taxonomy_panels(self.held_out, [m.samples for m in self.models], [m.kind for m in self.models],
                               titles=titles, data_title=tr("data_caption"))


def sliced_wasserstein(a: np.ndarray, b: np.ndarray, *, n_projections: int = 128,
                       seed: int = 0) -> float:
    """Mean 1-D Wasserstein distance between random projections of two point clouds."""
    from scipy.stats import wasserstein_distance

    rng = np.random.default_rng(seed)
    directions = rng.standard_normal((n_projections, a.shape[1]))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    pa, pb = a @ directions.T, b @ directions.T
    return float(np.mean([wasserstein_distance(pa[:, k], pb[:, k]) for k in range(n_projections)]))


def compare(request: TaxonomyRequest, *, models=MODELS,
            progress: Callable[[float, str], None] | None = None) -> TaxonomyResult:
    """Fit each of ``models`` to ``request.n_train`` points and compare them on held-out points."""
    request = request.checked()
    for name in models:
        check_choice("models", name, MODELS)
    x = load_toy(request.data, request.n_train, seed=request.seed)
    held_out = load_toy(request.data, request.n_samples, seed=request.seed + 1)
    rows = []
    with one_thread():
        for i, name in enumerate(models):
            if progress:
                progress(i / len(models), name)
            rows.append(_compare_one(name, x, held_out, request))
    record = request.provenance(model="genlab/taxonomy-toys", kind="taxonomy", models=list(models))
    return TaxonomyResult(request, record, held_out, rows)


def _as_numpy(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=np.float64)


def _compare_one(name: str, x: np.ndarray, held_out: np.ndarray, request: TaxonomyRequest) -> ModelResult:
    start = time.perf_counter()
    fit = toy_model(name)(x, data=request.data, steps=request.steps, seed=request.seed)
    fit_s = time.perf_counter() - start
    model = fit.model
    start = time.perf_counter()
    samples = _as_numpy(model.sample(request.n_samples, condition=fit.condition, seed=request.seed,
                                     **fit.sample_options))
    sample_s = time.perf_counter() - start
    scores, stderr, reason = {}, {}, None
    if model.density == "none":
        try:
            model.log_prob(held_out, condition=fit.condition)
        except NoDensityError as err:
            reason = err
    else:
        own = {"log p(x)": model.log_prob} if model.density == "exact" else {"ELBO": model.elbo}
        bounds = fit.bounds or {k: (lambda v, f=f: f(v, condition=fit.condition)) for k, f in own.items()}
        values = {k: _as_numpy(f(held_out)) for k, f in bounds.items()}
        scores = {k: float(v.mean()) for k, v in values.items()}
        stderr = {k: float(v.std(ddof=1) / np.sqrt(len(v))) for k, v in values.items()}
    return ModelResult(name=name, kind=kind_of(model), density=model.density, sampling=model.sampling,
                       samples=samples, nfe=fit.nfe, fit_seconds=fit_s, sample_seconds=sample_s,
                       distance=sliced_wasserstein(samples, held_out, seed=request.seed), scores=scores,
                       score_stderr=stderr, no_density=reason)
