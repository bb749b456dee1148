"""The Probability section's handlers (no UI): what the Probability tab and
``genlab.widgets.probability()`` call.

Each handler takes the controls' values (in the order the request declares them) and the page's
language, runs the section's pipeline (``genlab.prob.pipeline``) and returns what the view shows:
a figure (in the page's language), translated text, and the path of a notebook that makes the
figure again.
"""

from __future__ import annotations

import numpy as np

from genlab.i18n import Translator
from genlab.prob import pipeline
from genlab.prob.pipeline import ConditionalKdeRequest, MixtureRequest, MomentsRequest
from genlab.sections import drawn, save_result_notebook

SECTION = "probability"
MOMENT_ROWS = (("mean_x", ("mean", 0)), ("mean_y", ("mean", 1)), ("var_x", ("cov", 0, 0)),
               ("cov_xy", ("cov", 0, 1)), ("var_y", ("cov", 1, 1)))


def moments_table(moments: dict, n_samples: int, lang: str = "en") -> str:
    """Exact vs empirical mean and covariance as a markdown table, one row per number."""
    tr = Translator(SECTION, lang)

    def cell(kind: str, which: str, *index) -> str:
        value = moments[f"{kind}_{which}"]
        return tr("moments_none") if value is None else f"{float(np.asarray(value)[index]):.3f}"

    lines = [tr("moments_h"), "",
             f"| {tr('moments_quantity')} | {tr('moments_exact')} | {tr('moments_empirical', n=n_samples)} |",
             "|---|---:|---:|"]
    for key, (which, *index) in MOMENT_ROWS:
        lines.append(f"| {tr(key)} | {cell('exact', which, *index)} | {cell('empirical', which, *index)} |")
    return "\n".join(lines)


def draw_mixture(components=pipeline.LECTURE_ROWS, n_samples=200, grid_points=90, elevation=28.0, azimuth=-55.0,
                 seed=42, lang: str = "en", *, figure: str = "plotly"):
    """(surface figure, moments table markdown, notebook path) of the mixture in ``components``.

    ``figure="plotly"``: the rotatable surface (the web tab); ``"matplotlib"``: the lecture's (the widget).
    """
    result = pipeline.draw_mixture(MixtureRequest(components, n_samples, grid_points, elevation, azimuth, seed, lang))
    shown = result.show() if figure == "plotly" else result.figure()
    table = moments_table(result.moments(), result.request.n_samples, lang)
    return shown, table, save_result_notebook(result, f"mixture-seed{result.request.seed}", lang)


def estimate_conditionals(n_per_class=1200, bandwidth_rule="silverman", show_truth=True, seed=42, lang: str = "en",
                          *, figure: str = "plotly"):
    """(KDE figure, notebook path); ``figure`` as ``genlab.sections.drawn``."""
    result = pipeline.estimate_conditionals(ConditionalKdeRequest(n_per_class, bandwidth_rule, show_truth, seed, lang))
    return drawn(result, figure), save_result_notebook(result, "kde", lang)


def draw_moments(mu=0.0, sigma1=1.0, sigma2=2.0, n_per_normal=0, seed=0, lang: str = "en", *, figure: str = "plotly"):
    """(figure of the two normals, markdown of the empirical estimates, notebook path); ``figure``
    as ``genlab.sections.drawn``."""
    result = pipeline.draw_moments(MomentsRequest(mu, sigma1, sigma2, n_per_normal, seed, lang))
    estimates = result.estimates()
    text = "" if estimates is None else Translator(SECTION, lang)(
        "mom_estimates", m1=estimates["mean1"], s1=estimates["std1"], m2=estimates["mean2"], s2=estimates["std2"])
    return drawn(result, figure), text, save_result_notebook(result, "moments", lang)
