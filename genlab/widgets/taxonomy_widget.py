"""Jupyter widget for the taxonomy: ``genlab.widgets.taxonomy()`` fits the five models of the
three kinds to one 2-D toy set and shows their samples and what each says about log p(x).

The same controls as the web tab (built from ``TaxonomyRequest``'s declarations); the handler is
``genlab.sections.taxonomy.compare``.
"""

from __future__ import annotations

import html

from genlab.i18n import Translator
from genlab.sections import taxonomy as handlers
from genlab.taxonomy import TaxonomyRequest


def taxonomy(lang: str = "en"):
    import ipywidgets as w

    from genlab.viz import figure_png
    from genlab.widgets.controls import controls, markdown_html, values

    tr = Translator("taxonomy", lang)
    c = controls(TaxonomyRequest, lang, TaxonomyRequest.control_names())
    run = w.Button(description=tr("run"), button_style="primary", layout=w.Layout(width="auto"))
    progress = w.FloatProgress(min=0, max=1, value=0)
    figure, table, error = w.Image(format="png"), w.HTML(), w.HTML()

    def on_run(_=None):
        error.value = ""
        try:
            fig, rows, notes, _notebook = handlers.compare(
                **values(c), lang=lang, progress=lambda f, name: setattr(progress, "value", f))
        except ValueError as err:  # InputError included: shown, the widget keeps working
            error.value = f"<b style='color:#b00'>{html.escape(tr.error(err))}</b>"
            return
        figure.value = figure_png(fig)
        head = "".join(f"<th>{html.escape(h)}</th>" for h in handlers.headers(lang))
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
                       for row in rows)
        table.value = f"<table><tr>{head}</tr>{body}</table>" + markdown_html(notes)
        progress.value = 1.0

    run.on_click(on_run)
    box = w.VBox([w.HTML(f"<h3>{html.escape(tr('widget_title'))}</h3>"), *c.values(), w.HBox([run, progress]),
                  error, figure, table])
    box.controls, box.run_button, box.figure, box.table, box.error = c, run, figure, table, error  # for tests
    return box
