"""The Taxonomy tab: explicit, implicit and latent models fitted side by side to the same 2-D data,
each saying what it can about log p(x) and what its samples cost.

Controls come from ``TaxonomyRequest``'s declarations, the handler from ``genlab.sections.taxonomy``;
this module lays them out and wires the event (``/taxonomy_compare``).
"""

from __future__ import annotations

from genlab.i18n import Translator
from genlab.sections import taxonomy as handlers
from genlab.taxonomy import TaxonomyRequest

TITLE = {"en": "Taxonomy", "ru": "Классификация"}


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.app.controls import controls, validator
    from genlab.app.serving import HEAVY

    tr = Translator("taxonomy", lang)
    gr.Markdown(tr("intro"), elem_id="taxonomy-intro", elem_classes=["genlab-table"])  # its table: words kept whole
    names = TaxonomyRequest.control_names()
    with gr.Row():
        c = controls(TaxonomyRequest, lang, names)
    run = gr.Button(tr("run"), variant="primary", elem_id="taxonomy-run")
    plot = gr.Plot(show_label=False, elem_id="taxonomy-plot")  # the panels' titles are in the figure
    notebook = gr.DownloadButton(tr("open_notebook"), value=None, size="sm", elem_id="taxonomy-notebook")
    gr.Markdown(f"#### {tr('table')}")
    table = gr.Dataframe(headers=handlers.headers(lang), show_label=False, interactive=False, wrap=True,
                         elem_id="taxonomy-table", elem_classes=["genlab-table"])
    notes = gr.Markdown(elem_id="taxonomy-notes")

    def on_run(data, steps, n_train, n_samples, seed, progress=gr.Progress()):  # the web API's parameter names
        return handlers.compare(data, steps, n_train, n_samples, seed, lang=lang,
                                progress=lambda f, name: progress(f, desc=tr(f"model_{name}")))

    run.click(user_errors(lang)(on_run), [c[name] for name in names], [plot, table, notes, notebook],
              api_name="taxonomy_compare", validator=validator(TaxonomyRequest, names, lang), **HEAVY)
