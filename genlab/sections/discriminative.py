"""The Discriminative vs generative section's handlers (no UI): what its tab and
``genlab.widgets.discriminative()`` call.

The fit (``genlab.classic.pipeline.TwoParadigmsResult``) is the per-user state the view keeps
(gr.State, or the widget's own dict): ``fit`` makes it (the lecture's Recompute: new data, seed
+ 1; or Refit: the same data), ``replay`` shows it at other iterations without refitting (the
iteration sliders), ``notebook`` exports what is shown.
"""

from __future__ import annotations

import dataclasses

from genlab.classic import pipeline
from genlab.classic.pipeline import MleKlRequest, TwoParadigmsRequest
from genlab.i18n import Translator
from genlab.sections import save_result_notebook

SECTION = "discriminative"


def fit(new_data: bool, *values, lang: str = "en", **named):
    """(the fit, status markdown) for the controls' ``values`` in ``TwoParadigmsRequest``'s order,
    or ``named`` (none: its defaults, the lecture's first picture).

    ``new_data`` is the lecture's Recompute: the seed goes up by 1 first. As in the lecture, the
    shown iterations stay where they were, kept within the new fit.
    """
    request = TwoParadigmsRequest(*values, **named, lang=lang)
    request = dataclasses.replace(request, t_lr=min(request.t_lr, request.lr_iters),
                                  t_em=min(request.t_em, request.em_iters)).checked()
    if new_data:
        request = dataclasses.replace(request, seed=request.seed + 1)
    result = pipeline.fit_two_paradigms(request)
    result = result.at(t_em=min(result.request.t_em, result.history.n_iter))  # an early stop ends sooner
    return result, status(result, lang)


def status(result, lang: str = "en") -> str:
    tr = Translator(SECTION, lang)
    summary = result.summary()
    lr_max = tr("no_lr_max") if summary["lr_max"] is None else f"{summary['lr_max']:.3f}"
    return tr("status", **{**summary, "lr_max": lr_max,
                           "converged": tr("stopped_early") if summary["converged"] else ""})


def replay(result, t_lr, t_em, n_samples, show_bayes, lang: str = "en"):
    """The stored fit shown at iterations (t_lr, t_em): no refitting (None before the first fit)."""
    if result is None:
        return None
    return result.at(t_lr=t_lr, t_em=t_em, n_samples=n_samples, show_bayes=show_bayes, lang=lang)


def notebook(result, lang: str = "en") -> str | None:
    """A notebook that fits the same models and shows them at the same iterations."""
    return None if result is None else save_result_notebook(result, f"two-paradigms-seed{result.request.seed}", lang)


def run_mle_kl(n_points=1000, n_components=2, init="collapsed", em_iters=60, damping=0.5, seed=0, lang: str = "en"):
    """(figure of the average NLL against H(p*), markdown summary, notebook path)."""
    result = pipeline.fit_mle_kl(MleKlRequest(n_points, n_components, init, em_iters, damping, seed, lang))
    curve = result.curve
    text = Translator(SECTION, lang)("mle_md", h=curve.entropy, se=curve.entropy_se,
                                     ce=float(curve.cross_entropy[-1]), kl=float(curve.kl[-1]))
    return result.show(), text, save_result_notebook(result, "mle-kl", lang)
