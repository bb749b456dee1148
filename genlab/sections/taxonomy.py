"""The Taxonomy section's handlers (no UI): what the Taxonomy tab and ``genlab.widgets.taxonomy()`` call.

``compare`` takes the controls' values (in ``TaxonomyRequest``'s order) and the page's language,
runs ``genlab.taxonomy.compare`` and returns what the view shows: the figure, the table's rows
(every number beside its model: kind, what it says about p(x), sample distance, cost), the notes
in the page's language and a notebook that reproduces the figure.
"""

from __future__ import annotations

from genlab import taxonomy
from genlab.i18n import Translator
from genlab.sections import save_result_notebook
from genlab.taxonomy import TaxonomyRequest

SECTION = "taxonomy"
COLUMNS = ("col_model", "col_kind", "col_density", "col_score", "col_distance", "col_nfe", "col_fit", "col_sample")


def headers(lang: str = "en") -> list[str]:
    tr = Translator(SECTION, lang)
    return [tr(key) for key in COLUMNS]


def table_rows(result, lang: str = "en") -> list[list]:
    """One row per model, in the order of ``headers``."""
    tr = Translator(SECTION, lang)
    rows = []
    for m in result.models:
        score = "; ".join(f"{name} = {value:.3f} ± {m.score_stderr[name]:.3f}" for name, value in m.scores.items())
        rows.append([tr(f"model_{m.name}"), tr(m.kind), tr(m.density), score or "—", round(m.distance, 4), m.nfe,
                     round(m.fit_seconds, 2), round(m.sample_seconds, 3)])
    return rows


def notes(result, lang: str = "en") -> str:
    """Why a model gives no number (its own explanation), then how to read the table."""
    tr = Translator(SECTION, lang)
    reasons = [tr("no_density", reason=m.no_density.message(lang)) for m in result.models if m.no_density]
    return "\n\n".join(reasons + [tr("notes")])


def compare(data, steps, n_train, n_samples, seed, lang: str = "en", progress=None):
    """(figure, table rows, notes markdown, notebook path) for the controls' values (the
    parameters of ``TaxonomyRequest``, by name in the web API).

    ``progress(fraction, model name)`` is called before each model is fitted.
    """
    request = TaxonomyRequest(data=data, steps=steps, n_train=n_train, n_samples=n_samples, seed=seed, lang=lang)
    result = taxonomy.compare(request, progress=progress)
    r = result.request
    return (result.show(), table_rows(result, lang), notes(result, lang),
            save_result_notebook(result, f"taxonomy-{r.data}-seed{r.seed}", lang))
