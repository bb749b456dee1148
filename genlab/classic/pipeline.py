"""The Discriminative vs generative section's face (lecture section 2) and the mixture's CLI:
typed requests in, results with provenance out.

- ``TwoParadigmsRequest`` -> ``fit_two_paradigms``: the lecture's widget — two clouds of points,
  logistic regression fitted by gradient descent and a 2-component Gaussian mixture fitted by EM
  on them, both shown at an iteration (``t_lr``, ``t_em``). ``result.at(t_lr=..., t_em=...)``
  shows the stored fit at other iterations without refitting (the iteration sliders).
- ``MleKlRequest`` -> ``fit_mle_kl``: MLE = min KL, EM's average NLL against the entropy H(p*).
- ``MixtureSampleRequest`` -> ``sample_mixture`` and ``MixtureEvalRequest`` -> ``evaluate_mixture``:
  ``genlab sample mixture`` and ``genlab eval mixture`` (the lecture's mixture or a saved one).

    result = fit_two_paradigms(TwoParadigmsRequest())    # the lecture's first picture
    result.summary()                                     # accuracies, final loss and log-likelihood
    result.at(t_em=40).show()                            # the mixture after 40 EM iterations

The figures' texts come from ``genlab/locale/<lang>/discriminative.json`` (``lang`` is a
parameter, so a notebook exported from the Russian page draws the Russian figure).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from genlab.classic.em import INITS, EMHistory
from genlab.classic.logreg import LR_MODES, LogRegPath
from genlab.data.toy2d import TOY_SETS
from genlab.errors import InputError
from genlab.i18n import LANGS
from genlab.limits import MAX_CLOUD_POINTS, MAX_EM_ITERATIONS, MAX_GD_ITERATIONS, MAX_MIXTURE_DRAWS, MAX_MLE_POINTS
from genlab.params import Request, Result, param
from genlab.prob.pipeline import figure_text

SECTION = "discriminative"
LAB = "lab"  # the lecture's bimodal mixture (section 1) as a model
# generated 2-D data sets: the lecture's two clouds, samples of the lecture's mixture, the toy sets
DATA_SETS = ("lecture", "two_clouds", *TOY_SETS)


@dataclass(frozen=True)
class TwoParadigmsRequest(Request):
    """Every setting of the lecture's ``build_discriminative_vs_generative_widget``, with its defaults.

    The lecture's widget starts from seed 0 and its Recompute adds 1 before drawing, so its first
    picture is of seed 1: that is the default here. Logistic regression's initial weights and
    EM's random initialisations use ``fit_seed`` (the lecture's fixed seed 0 of both).
    """

    SECTION: ClassVar[str] = SECTION
    PIPELINE: ClassVar[str] = "fit_two_paradigms"

    n1: int = param(100, low=2, high=MAX_CLOUD_POINTS)
    n2: int = param(100, low=2, high=MAX_CLOUD_POINTS)
    separation: float = param(2.6, low=0.0, high=8.0, step=0.1)
    cov_scale: float = param(0.9, low=0.0, high=4.0, low_open=True, step=0.05)
    rotate_deg: float = param(20.0, low=-90.0, high=90.0, step=1)
    seed: int = param(1, kind="seed")
    fit_seed: int = param(0, kind="seed")
    lr_mode: str = param("warmup", choices=LR_MODES)
    lr: float = param(0.1, low=0.0, high=100.0, low_open=True, control="number")
    lr_iters: int = param(20, low=1, high=MAX_GD_ITERATIONS)
    l2: float = param(0.01, low=0.0, high=100.0, control="number")
    fit_intercept: bool = param(True)
    warmup_power: float = param(3.0, low=0.0, high=6.0, step=0.5)
    init: str = param("pca_split", choices=INITS)
    em_iters: int = param(100, low=1, high=MAX_EM_ITERATIONS)
    damping: float = param(0.2, low=0.0, high=1.0, low_open=True, step=0.01)
    early_stop: bool = param(False)
    tol: float = param(1e-6, low=0.0, high=1.0, control="number")
    reg_covar: float = param(1e-6, low=0.0, high=10.0, control="number")
    n_samples: int = param(250, low=0, high=2000, step=10)
    show_bayes: bool = param(True)
    t_lr: int = param(0, low=0, high=MAX_GD_ITERATIONS)  # the lecture's sliders start at 0
    t_em: int = param(0, low=0, high=MAX_EM_ITERATIONS)
    lang: str = param("en", choices=LANGS)

    def validate(self) -> None:
        for name, last in (("t_lr", self.lr_iters), ("t_em", self.em_iters)):
            if getattr(self, name) > last:
                raise InputError(name, "iteration_past_fit", value=getattr(self, name), interval=f"[0, {last}]")


FIGURE_TEXT = ("lr_title", "gmm_title", "at_iteration", "class1", "class2", "lr_boundary", "bayes", "samples", "loss",
               "loglik", "iteration")


@dataclass
class TwoParadigmsResult(Result):
    x1: np.ndarray
    x2: np.ndarray
    path: LogRegPath          # logistic regression at iterations 0..lr_iters
    history: EMHistory        # the mixture at iterations 0..n_iter (fewer after an early stop)

    def at(self, **shown) -> "TwoParadigmsResult":
        """The same fit shown with other ``t_lr``, ``t_em``, ``n_samples``, ``show_bayes``: no refitting."""
        if set(shown) - {"t_lr", "t_em", "n_samples", "show_bayes", "lang"}:
            raise TypeError(f"at() changes only what is shown, not {sorted(shown)}")
        request = dataclasses.replace(self.request, **shown).checked()
        return dataclasses.replace(self, request=request, provenance=_two_paradigms_record(request))

    def _options(self) -> dict:
        r = self.request
        return dict(n_samples=r.n_samples, sample_seed=r.fit_seed, show_bayes=r.show_bayes,
                    text=figure_text(SECTION, r.lang, FIGURE_TEXT))

    def spec(self) -> dict:
        """The figure as a plain plotly dict (the web app serialises it directly: fast slider moves)."""
        from genlab.viz.classic import two_paradigms_spec

        r = self.request
        return two_paradigms_spec(self.x1, self.x2, self.path, self.history, r.t_lr, r.t_em, **self._options())

    def show(self):
        """Both paradigms at (t_lr, t_em) as a plotly figure, with the loss and log-likelihood curves."""
        from genlab.viz import plotly_figure

        return plotly_figure(self.spec())

    def figure(self):
        """The same in matplotlib (the widget's)."""
        from genlab.viz.classic import two_paradigms

        r = self.request
        return two_paradigms(self.x1, self.x2, self.path, self.history, r.t_lr, r.t_em, **self._options())

    def summary(self) -> dict:
        """The final fits: logistic regression's loss and accuracy, EM's log-likelihood, and the
        accuracy of the mixture used as a classifier through Bayes' rule."""
        from genlab.classic.bayes import match_components_to_classes, mixture_class_posterior
        from genlab.classic.data import stack_labelled

        x, y = stack_labelled(self.x1, self.x2)
        params = self.history.params(-1)
        order = match_components_to_classes(params.means, np.stack([self.x1.mean(0), self.x2.mean(0)]))
        return {"seed": self.request.seed, "lr_max": self.path.lr_max, "loss": float(self.path.loss[-1]),
                "accuracy_lr": float(np.mean((self.path.predict_proba(x) > 0.5) == y)),
                "em_iterations": self.history.n_iter, "converged": bool(self.history.converged),
                "mean_log_likelihood": float(self.history.mean_log_likelihood[-1]),
                "accuracy_bayes": float(np.mean((mixture_class_posterior(x, params, order) > 0.5) == y))}


def _two_paradigms_record(request: TwoParadigmsRequest) -> dict:
    return request.provenance(model="genlab/logistic-regression+gaussian-mixture", kind="figure")


def fit_two_paradigms(request: TwoParadigmsRequest) -> TwoParadigmsResult:
    """Make the two clouds and fit both models (the lecture's ``recompute``)."""
    from genlab.classic.data import create_dataset
    from genlab.classic.em import gmm2_em_history
    from genlab.classic.logreg import logistic_regression_gd_path

    r = request.checked()
    x1, x2 = create_dataset(r.n1, r.n2, separation=r.separation, cov_scale=r.cov_scale,
                            rotate_deg=r.rotate_deg, seed=r.seed)
    path = logistic_regression_gd_path(x1, x2, lr=r.lr, n_iters=r.lr_iters, l2=r.l2, fit_intercept=r.fit_intercept,
                                       seed=r.fit_seed, lr_mode=r.lr_mode, warmup_power=r.warmup_power)
    history = gmm2_em_history(x1, x2, n_iters=r.em_iters, tol=r.tol, reg_covar=r.reg_covar, seed=r.fit_seed,
                              init=r.init, damping=r.damping, early_stop=r.early_stop)
    return TwoParadigmsResult(r, _two_paradigms_record(r), x1, x2, path, history)


@dataclass(frozen=True)
class MleKlRequest(Request):
    """EM on n points drawn from a known mixture p* (the lecture's bimodal one)."""

    SECTION: ClassVar[str] = SECTION
    PIPELINE: ClassVar[str] = "fit_mle_kl"

    n_points: int = param(1000, low=20, high=MAX_MLE_POINTS, step=10)
    n_components: int = param(2, low=1, high=6)
    init: str = param("collapsed", choices=INITS[1:])  # from_sets needs labels the data do not have
    em_iters: int = param(60, low=1, high=300)
    damping: float = param(0.5, low=0.0, high=1.0, low_open=True, step=0.01)
    seed: int = param(0, kind="seed")
    lang: str = param("en", choices=LANGS)


MLE_MC_SAMPLES = 20_000  # Monte-Carlo draws from p* for the cross-entropy and H(p*)
MLE_TEXT = ("mle_title", "train_nll", "cross_entropy", "entropy", "kl", "iteration", "nats")


@dataclass
class MleKlResult(Result):
    curve: object   # genlab.classic.mle_kl.MLEKLCurve

    def show(self):
        from genlab.viz.classic import mle_kl

        return mle_kl(self.curve, text=figure_text(SECTION, self.request.lang, MLE_TEXT))


def fit_mle_kl(request: MleKlRequest) -> MleKlResult:
    from genlab.classic.mle_kl import mle_kl_curve
    from genlab.prob.mixture import LECTURE_MIXTURE

    r = request.checked()
    curve = mle_kl_curve(LECTURE_MIXTURE, n=r.n_points, n_components=r.n_components, init=r.init, n_iter=r.em_iters,
                         damping=r.damping, seed=r.seed, n_mc=MLE_MC_SAMPLES)
    return MleKlResult(r, r.provenance(model="genlab/gaussian-mixture", kind="figure"), curve)


# ---- the mixture as a model: `genlab sample|eval mixture` -----------------------------------------

def load_data(name: str, n: int, seed: int, param_name: str = "--data"):
    """``n`` points of a generated 2-D data set: two_clouds, lecture (the lecture's mixture) or a toy set."""
    from genlab.errors import check_choice, check_int

    n = check_int("--n", n, 4, MAX_MIXTURE_DRAWS)
    if name == "two_clouds":
        from genlab.classic.data import create_dataset

        x1, x2 = create_dataset(n // 2, n - n // 2, seed=seed)
        return np.vstack([x1, x2])
    if name == "lecture":
        from genlab.prob import LECTURE_MIXTURE, mixture_sample

        return mixture_sample(n, LECTURE_MIXTURE, seed=seed)[0]
    from genlab.data.toy2d import load_toy

    check_choice(param_name, name, DATA_SETS)
    return load_toy(name, n, seed=seed)


def data_rows(data: str, n: int, seed: int, param_name: str = "--data"):
    """This process's rows of ``data``: its shard of a file, or of a generated data set."""
    from genlab.data.rows import FORMATS, ArrayRows, open_rows
    from genlab.distributed import rank_slice

    if data in DATA_SETS:
        x = load_data(data, n, seed, param_name)
        share = rank_slice(len(x))
        return ArrayRows(x, share.start, share.stop, param=param_name)
    looks_like_a_file = Path(data).suffix.lower() in FORMATS or "/" in data
    if not (looks_like_a_file or Path(data).is_file()):
        raise InputError(param_name, "not_data", value=repr(data), names=", ".join(DATA_SETS))
    return open_rows(data, param=param_name)


def load_mixture(model: str):
    """The lecture's mixture (``"lab"``) or a GaussianMixtureEM saved by ``genlab train mixture``."""
    from genlab.classic.gmm import GaussianMixtureEM

    if model == LAB:
        from genlab.prob import LECTURE_MIXTURE

        return GaussianMixtureEM.from_params(LECTURE_MIXTURE)
    return GaussianMixtureEM.from_pretrained(model)


@dataclass(frozen=True)
class MixtureSampleRequest(Request):
    """Points x ~ p(x) drawn from a mixture (or from one of its components)."""

    SECTION: ClassVar[str] = "mixture"
    PIPELINE: ClassVar[str] = "sample_mixture"

    model: str = param(LAB, choices=(LAB,), open_choice=True)
    n: int = param(200, low=1, high=MAX_MIXTURE_DRAWS, short="-n", control="number")
    seed: int = param(0, kind="seed")
    component: int = param(-1, low=-1, control="number")  # -1: every component
    lang: str = param("en", choices=LANGS)


@dataclass
class MixtureSamples(Result):
    samples: np.ndarray       # (n, d)
    components: np.ndarray    # (n,) the component of each point
    density: np.ndarray       # (n,) p(x) at each point

    def show(self):
        """The points coloured by p(x), as an image (2-D mixtures)."""
        from genlab.viz import figure_image
        from genlab.viz.prob import mixture_samples

        r = self.request
        text = figure_text("mixture", r.lang, ("density", "samples_title"))
        text["samples_title"] = text["samples_title"].format(n=len(self.samples), model=r.model, seed=r.seed)
        return figure_image(mixture_samples(self.samples, self.density, text=text))


def sample_mixture(request: MixtureSampleRequest) -> MixtureSamples:
    from genlab.prob import mixture_pdf

    r = request.checked()
    gmm = load_mixture(r.model)
    if r.component >= gmm.n_components:
        raise InputError("component", "out_of_range", value=r.component, interval=f"[-1, {gmm.n_components - 1}]")
    x, z = gmm.sample(r.n, seed=r.seed, condition=None if r.component < 0 else r.component, return_labels=True)
    record = r.provenance(model=f"mixture:{r.model}", kind="samples")
    return MixtureSamples(r, record, x, z, mixture_pdf(x, gmm.params_))


@dataclass(frozen=True)
class MixtureEvalRequest(Request):
    """A mixture's mean log-likelihood, BIC and AIC on data (a generated set or a file of any size)."""

    SECTION: ClassVar[str] = "mixture"
    PIPELINE: ClassVar[str] = "evaluate_mixture"

    model: str = param(LAB, choices=(LAB,), open_choice=True)
    data: str = param("lecture", choices=DATA_SETS, open_choice=True)  # or a file: .npy, .parquet, .csv
    n: int = param(2000, low=4, high=MAX_MIXTURE_DRAWS, control="number")
    seed: int = param(1, kind="seed")


@dataclass
class MixtureEvaluation(Result):
    metrics: dict

    def show(self) -> str:
        return "\n".join(f"{key}: {value}" for key, value in self.metrics.items())


def evaluate_mixture(request: MixtureEvalRequest) -> MixtureEvaluation:
    """Under torchrun every process scores its shard of the data and the sums are all-reduced."""
    from genlab.classic.em import log_likelihood
    from genlab.distributed import all_reduce_sum_array, world

    r = request.checked()
    gmm = load_mixture(r.model)
    total, count = log_likelihood(data_rows(r.data, r.n, r.seed, "data"), gmm.params_,
                                  all_reduce=all_reduce_sum_array if world().distributed else None)
    k = gmm._n_parameters()
    metrics = {"model": r.model, "data": r.data, "n": int(count), "components": int(gmm.n_components),
               "mean_log_likelihood": total / count, "bic": -2 * total + k * np.log(count),
               "aic": -2 * total + 2 * k}
    return MixtureEvaluation(r, r.provenance(model=f"mixture:{r.model}", kind="metrics"), metrics)
