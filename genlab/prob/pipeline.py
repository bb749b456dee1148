"""The Probability section's face (lecture section 1): typed requests in, figures with provenance out.

One request per figure of the lecture's first section, each run by the function its ``PIPELINE``
names; the web tab, the widget and an exported notebook call these and only draw what they return:

- ``MixtureRequest`` -> ``draw_mixture``: a 2-D Gaussian mixture given as an editable table of
  components, its density surface with points sampled from it, and its moments, exact and
  empirical;
- ``ConditionalKdeRequest`` -> ``estimate_conditionals``: p(x | y) and p(x) estimated by KDE
  from the lecture's class-conditional samples, beside the true densities;
- ``MomentsRequest`` -> ``draw_moments``: two normals of one mean and different variances.

    result = draw_mixture(MixtureRequest(n_samples=500, seed=0))
    result.moments()       # exact and empirical mean and covariance
    result.show()          # the rotatable plotly surface; result.figure(): the lecture's matplotlib one

The figures' texts come from ``genlab/locale/<lang>/probability.json``: ``lang`` is a parameter,
so a notebook exported from the Russian page draws the Russian figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from genlab.errors import InputError
from genlab.i18n import LANGS, Translator
from genlab.limits import (MAX_KDE_SAMPLES, MAX_MIXTURE_COMPONENTS, MAX_MIXTURE_SAMPLES,
                           MAX_MOMENT_SAMPLES, MAX_SURFACE_GRID)
from genlab.params import Request, Result, param
from genlab.prob.kde import BANDWIDTH_RULES
from genlab.prob.mixture import LECTURE_MIXTURE, MixtureParams

SECTION = "probability"
COLUMNS = ("weight", "mean_x", "mean_y", "var_x", "cov_xy", "var_y")
# the lecture's bimodal mixture, one row per component
LECTURE_ROWS = tuple((float(w), *map(float, m), float(c[0, 0]), float(c[0, 1]), float(c[1, 1]))
                     for w, m, c in zip(LECTURE_MIXTURE.weights, LECTURE_MIXTURE.means,
                                        LECTURE_MIXTURE.covariances))


def figure_text(section: str, lang: str, keys) -> dict:
    """The texts a figure shows, in ``lang``, from the section's locale file."""
    tr = Translator(section, lang)
    return {key: tr(key) for key in keys}


def mixture_from_rows(rows, param_name: str = "components") -> MixtureParams:
    """Rows (weight, mean x, mean y, var x, cov xy, var y) -> MixtureParams, the weights normalised."""
    from genlab.prob.gaussian import cholesky

    values = np.asarray(rows, dtype=np.float64)
    weights = values[:, 0]
    if np.any(weights < 0) or weights.sum() <= 0:
        raise InputError(f"{param_name}[weight]", "weights_positive_sum")
    covariances = values[:, [3, 4, 4, 5]].reshape(-1, 2, 2)
    for i, cov in enumerate(covariances):
        cholesky(cov, f"{param_name}[{i + 1}, covariance]")
    return MixtureParams.checked(weights / weights.sum(), values[:, 1:3], covariances)


@dataclass(frozen=True)
class MixtureRequest(Request):
    """A 2-D Gaussian mixture (one table row per component), drawn as a density surface."""

    SECTION: ClassVar[str] = SECTION
    PIPELINE: ClassVar[str] = "draw_mixture"

    components: tuple = param(LECTURE_ROWS, columns=COLUMNS, max_rows=MAX_MIXTURE_COMPONENTS)
    n_samples: int = param(200, low=0, high=MAX_MIXTURE_SAMPLES, step=50)  # the lecture's N = 200
    grid_points: int = param(90, low=20, high=MAX_SURFACE_GRID, step=10)
    elevation: float = param(28.0, low=0.0, high=90.0, step=1)            # the lecture's view_init
    azimuth: float = param(-55.0, low=-180.0, high=180.0, step=1)
    seed: int = param(42, kind="seed")                                    # the lecture's rng seed
    lang: str = param("en", choices=LANGS)

    def validate(self) -> None:
        self.mixture()

    def mixture(self) -> MixtureParams:
        return mixture_from_rows(self.components)


SURFACE_TEXT = ("surface_title", "density", "samples")


@dataclass
class MixtureResult(Result):
    mixture: MixtureParams
    samples: np.ndarray        # (n, 2)
    labels: np.ndarray         # (n,) the component each sample was drawn from

    def limits(self) -> tuple[float, float]:
        """A square window around every component (3.5 standard deviations past the farthest mean)."""
        m = self.mixture
        reach = float(np.ceil(np.abs(m.means).max() + 3.5 * np.sqrt(m.covariances[:, [0, 1], [0, 1]].max())))
        return -reach, reach

    def moments(self) -> dict:
        """The exact mean and covariance (from the parameters) and the empirical ones (None below 2 samples)."""
        from genlab.prob.moments import covariance, mean, mixture_covariance, mixture_mean

        enough = len(self.samples) >= 2
        return {"exact_mean": mixture_mean(self.mixture), "exact_cov": mixture_covariance(self.mixture),
                "empirical_mean": mean(self.samples) if enough else None,
                "empirical_cov": covariance(self.samples) if enough else None}

    def _options(self) -> dict:
        r = self.request
        return dict(xlim=self.limits(), ylim=self.limits(), n=r.grid_points, elevation=r.elevation,
                    azimuth=r.azimuth, text=figure_text(SECTION, r.lang, SURFACE_TEXT))

    def show(self):
        """The density surface as a rotatable plotly figure (what the web tab shows)."""
        from genlab.viz.prob import mixture_surface_plotly

        return mixture_surface_plotly(self.mixture, self.samples, **self._options())

    def figure(self):
        """The same surface in matplotlib, as the lecture draws it (the widget's and a PNG's)."""
        from genlab.viz.prob import mixture_surface

        return mixture_surface(self.mixture, self.samples, **self._options())


def draw_mixture(request: MixtureRequest) -> MixtureResult:
    """Sample ``request.n_samples`` points from the mixture of ``request.components``."""
    from genlab.prob.mixture import mixture_sample

    request = request.checked()
    mixture = request.mixture()
    x, z = mixture_sample(request.n_samples, mixture, seed=request.seed)
    record = request.provenance(model="genlab/gaussian-mixture", kind="figure")
    return MixtureResult(request, record, mixture, x, z)


@dataclass(frozen=True)
class ConditionalKdeRequest(Request):
    """The lecture's class-conditional example: p(x | y) and p(x) estimated by KDE."""

    SECTION: ClassVar[str] = SECTION
    PIPELINE: ClassVar[str] = "estimate_conditionals"

    n_per_class: int = param(1200, low=10, high=MAX_KDE_SAMPLES, step=10)  # the lecture's 1200
    bandwidth_rule: str = param("silverman", choices=BANDWIDTH_RULES)      # the lecture's rule
    show_truth: bool = param(True)
    seed: int = param(42, kind="seed")
    lang: str = param("en", choices=LANGS)


KDE_TEXT = ("kde_title", "density", "class1", "class2", "marginal", "true")


@dataclass
class ConditionalKdeResult(Result):
    kdes: dict                 # grid, class1, class2, marginal (genlab.prob.conditional_kdes)
    truth: dict | None         # the true densities on the same grid, or None

    def spec(self) -> dict:
        """The curves as a plain plotly figure dict (the web page's: a slider move costs milliseconds)."""
        from genlab.viz.prob import kde_curves_spec

        return kde_curves_spec(self.kdes, truth=self.truth, text=figure_text(SECTION, self.request.lang, KDE_TEXT))

    def show(self):
        """The curves as a plotly figure; ``figure()``: the lecture's matplotlib one."""
        from genlab.viz import plotly_figure

        return plotly_figure(self.spec())

    def figure(self):
        from genlab.viz.prob import kde_curves

        return kde_curves(self.kdes, truth=self.truth, text=figure_text(SECTION, self.request.lang, KDE_TEXT))


def estimate_conditionals(request: ConditionalKdeRequest) -> ConditionalKdeResult:
    from genlab.prob.conditional import ClassConditionalExample, conditional_kdes

    request = request.checked()
    example = ClassConditionalExample()
    x1, x2 = example.sample(request.n_per_class, seed=request.seed)
    kdes = conditional_kdes(x1, x2, bandwidth_rule=request.bandwidth_rule)
    truth = None
    if request.show_truth:
        grid = kdes["grid"]
        truth = {"class1": example.conditional(grid, 0), "class2": example.conditional(grid, 1),
                 "marginal": example.marginal(grid)}
    return ConditionalKdeResult(request, request.provenance(model="genlab/kde", kind="figure"), kdes, truth)


@dataclass(frozen=True)
class MomentsRequest(Request):
    """Two normals with the same mean and different variances (the lecture's moments figure)."""

    SECTION: ClassVar[str] = SECTION
    PIPELINE: ClassVar[str] = "draw_moments"

    mu: float = param(0.0, low=-1e3, high=1e3, control="number")            # the lecture's values
    sigma1: float = param(1.0, low=0.0, high=1e3, low_open=True, control="number")
    sigma2: float = param(2.0, low=0.0, high=1e3, low_open=True, control="number")
    n_per_normal: int = param(0, low=0, high=MAX_MOMENT_SAMPLES, step=100)    # 0: the densities only
    seed: int = param(0, kind="seed")
    lang: str = param("en", choices=LANGS)


MOMENTS_TEXT = ("mean_title", "density", "narrow", "wide")


@dataclass
class MomentsResult(Result):
    samples: tuple[np.ndarray, np.ndarray] | None   # draws from both normals, or None

    def estimates(self) -> dict | None:
        """The empirical mean and standard deviation (unbiased variance, ddof = 1) of each normal."""
        from genlab.prob.moments import mean, std

        if self.samples is None:
            return None
        (a, b) = self.samples
        return {"mean1": float(mean(a)), "std1": float(std(a)), "mean2": float(mean(b)), "std2": float(std(b))}

    def spec(self) -> dict:
        """The figure as a plain plotly dict (the web page's)."""
        from genlab.viz.prob import mean_sigma_spec

        r = self.request
        return mean_sigma_spec(r.mu, r.sigma1, r.sigma2, samples=self.samples,
                               text=figure_text(SECTION, r.lang, MOMENTS_TEXT))

    def show(self):
        """The figure in plotly; ``figure()``: the lecture's matplotlib one."""
        from genlab.viz import plotly_figure

        return plotly_figure(self.spec())

    def figure(self):
        from genlab.viz.prob import mean_sigma

        r = self.request
        return mean_sigma(r.mu, r.sigma1, r.sigma2, samples=self.samples,
                          text=figure_text(SECTION, r.lang, MOMENTS_TEXT))


def draw_moments(request: MomentsRequest) -> MomentsResult:
    from genlab.seeding import numpy_rng

    request = request.checked()
    samples = None
    if request.n_per_normal >= 2:
        rng = numpy_rng(request.seed)
        samples = (rng.normal(request.mu, request.sigma1, request.n_per_normal),
                   rng.normal(request.mu, request.sigma2, request.n_per_normal))
    return MomentsResult(request, request.provenance(model="genlab/normal", kind="figure"), samples)
