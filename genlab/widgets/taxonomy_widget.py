"""Jupyter widget for the taxonomy: ``genlab.widgets.taxonomy()`` fits the five models of the
three kinds to one 2-D toy set and shows their samples and what each says about log p(x)."""

from __future__ import annotations

import html

from genlab.app.tabs.taxonomy import STRINGS, compare, headers
from genlab.i18n import Translator


def taxonomy(lang: str = "en", *, n_train: int = 2000):
    import ipywidgets as w

    from genlab.data.toy2d import TOY_SETS
    from genlab.viz import figure_png

    tr = Translator(STRINGS, lang)
    data = w.Dropdown(options=list(TOY_SETS), value="eight_gaussians", description=tr("data"))
    steps = w.IntSlider(1500, min=200, max=3000, step=100, description=tr("steps"),
                        style={"description_width": "initial"})
    seed = w.IntText(0, description=tr("seed"))
    run = w.Button(description=tr("run"), button_style="primary", layout=w.Layout(width="auto"))
    progress = w.FloatProgress(min=0, max=1, value=0)
    figure = w.Image(format="png")
    table = w.HTML()
    error = w.HTML()

    def on_run(_=None):
        error.value = ""
        try:
            fig, rows, notes = compare(data.value, steps.value, n_train, seed.value, lang,
                                       progress=lambda f, name: setattr(progress, "value", f))
        except ValueError as err:  # InputError included: shown, the widget keeps working
            error.value = f"<b style='color:#b00'>{html.escape(tr.error(err))}</b>"
            return
        figure.value = figure_png(fig)
        head = "".join(f"<th>{html.escape(h)}</th>" for h in headers(lang))
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                       for row in rows)
        table.value = (f"<table><tr>{head}</tr>{body}</table>"
                       f"<p>{html.escape(notes)}</p>")
        progress.value = 1.0

    run.on_click(on_run)
    return w.VBox([w.HTML(f"<h3>{html.escape(tr('figure'))}</h3>"),
                   w.HBox([data, steps, seed]), w.HBox([run, progress]), error, figure, table])
