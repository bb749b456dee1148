"""Jupyter widget for lecture section 2: ``genlab.widgets.discriminative()``, the lecture's
``build_discriminative_vs_generative_widget`` with every one of its settings as a control:
Recompute (new data), an iteration slider per model (redraw only, no refit, starting at 0 as in
the lecture), dataset and training controls — built from ``TwoParadigmsRequest``'s
declarations, run by the handlers of ``genlab.sections.discriminative``."""

from __future__ import annotations

from genlab.classic.pipeline import TwoParadigmsRequest
from genlab.i18n import Translator
from genlab.sections import discriminative as handlers

FIT = [name for name in TwoParadigmsRequest.control_names() if name not in ("t_lr", "t_em", "n_samples", "show_bayes")]


def discriminative(lang: str = "en"):
    """An ipywidgets VBox: Recompute / Refit, the two iteration sliders, the controls and the figure."""
    import ipywidgets as w

    from genlab.viz import figure_png
    from genlab.widgets.controls import controls, redraw_on_release, values

    tr = Translator("discriminative", lang)
    c = controls(TwoParadigmsRequest, lang, TwoParadigmsRequest.control_names())
    redraw_on_release(c)
    recompute = w.Button(description=tr("recompute"), button_style="primary", icon="refresh")
    refit = w.Button(description=tr("refit"))
    image = w.Image(format="png", layout=w.Layout(width="900px"))
    status = w.HTML()
    state = {"fit": None}  # this widget's own fit (one per call)

    def on_fit(new_data: bool):
        try:
            result, text = handlers.fit(new_data, **values(c), lang=lang)
        except ValueError as err:  # InputError: the user's to fix
            status.value = f"<b style='color:#b00'>{Translator(None, lang).error(err)}</b>"
            return
        state["fit"] = None  # the slider updates below must not draw a half-updated state
        r = result.request
        c["seed"].value = r.seed
        c["t_lr"].max, c["t_em"].max = result.path.n_iters, result.history.n_iter
        c["t_lr"].value, c["t_em"].value = r.t_lr, r.t_em
        state["fit"], status.value = result, text
        draw()

    def draw(*_):
        shown = handlers.replay(state["fit"], c["t_lr"].value, c["t_em"].value, c["n_samples"].value,
                                c["show_bayes"].value, lang)
        if shown is not None:
            image.value = figure_png(shown.figure())

    recompute.on_click(lambda _: on_fit(True))
    refit.on_click(lambda _: on_fit(False))
    for name in ("t_lr", "t_em", "n_samples", "show_bayes"):
        c[name].observe(draw, names="value")
    on_fit(False)  # the lecture's first picture (its Recompute has already moved seed 0 to 1)
    columns = (FIT[:6], FIT[6:13], FIT[13:] + ["n_samples", "show_bayes"])
    box = w.VBox([w.HTML(tr("widget_header")), w.HBox([recompute, refit]), w.HBox([c["t_lr"], c["t_em"]]),
                  w.HBox([w.VBox([c[name] for name in names]) for names in columns]), status, image])
    box.controls, box.state = c, state  # for tests
    box.recompute_button, box.refit_button, box.image, box.status = recompute, refit, image, status
    return box
