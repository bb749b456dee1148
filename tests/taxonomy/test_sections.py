"""The Taxonomy section's handlers (no UI): what the tab and the widget show, in the page's language."""

import inspect

import nbformat
import pytest

from genlab.core import NoDensityError
from genlab.errors import InputError
from genlab.i18n import LANGS, Translator
from genlab.sections import taxonomy as handlers
from genlab.taxonomy import MODELS, TaxonomyRequest

TINY = dict(data="moons", steps=100, n_train=100, n_samples=100, seed=3)


def test_the_handler_takes_the_controls_by_name():
    """The web API's parameters are the request's names (``/taxonomy_compare``), in its order."""
    assert list(inspect.signature(handlers.compare).parameters) == [*TaxonomyRequest.control_names(), "lang",
                                                                    "progress"]


@pytest.mark.parametrize("lang", LANGS)
def test_compare_gives_the_figure_the_table_the_notes_and_a_notebook(lang):
    tr = Translator("taxonomy", lang)
    seen = []
    fig, rows, notes, notebook = handlers.compare(**TINY, lang=lang, progress=lambda f, name: seen.append(name))
    assert seen == list(MODELS)
    assert len(fig.axes) == 1 + len(MODELS)
    headers = handlers.headers(lang)
    assert len(headers) == 8 and tr("col_fit") in headers and tr("col_sample") in headers
    assert [row[0] for row in rows] == [tr(f"model_{name}") for name in MODELS]
    assert all(len(row) == len(headers) for row in rows)
    by_name = dict(zip(MODELS, rows))
    assert by_name["gan"][1:4] == [tr("implicit"), tr("none"), "—"]
    assert by_name["mixture"][1:3] == [tr("explicit"), tr("exact")] and "log p(x) = " in by_name["mixture"][3]
    assert by_name["vae"][2] == tr("bound") and "IWAE (k=64)" in by_name["vae"][3] and "±" in by_name["vae"][3]
    fit_s, sample_s = by_name["flow"][6:8]
    assert fit_s >= 0 and sample_s >= 0
    # the GAN's own explanation, in the page's language
    assert NoDensityError("no_density_implicit", "ToyGAN").message(lang) in notes
    nb = nbformat.read(notebook, as_version=4)
    assert nb.metadata["genlab"]["params"]["steps"] == 100 and f"lang={lang!r}" in nb.cells[1].source


def test_bad_input_names_the_parameter_in_the_pages_language():
    with pytest.raises(InputError) as err:
        handlers.compare(**{**TINY, "n_train": 5}, lang="ru")
    assert err.value.param == "n_train" and "n_train" in err.value.message("ru")
