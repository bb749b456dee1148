"""Jupyter widget for lecture section 1: ``genlab.widgets.probability()``.

The mixture surface (the lecture's matplotlib 3-D figure, turned with the elevation and azimuth
sliders) with its editable components and samples, the table of its moments, the KDE curves of
p(x | y) and p(x), and mean ± σ: the same controls as the web tab (built from the requests'
declarations), the same handlers (``genlab.sections.probability``).
"""

from __future__ import annotations

from genlab.i18n import Translator
from genlab.prob.pipeline import ConditionalKdeRequest, MixtureRequest, MomentsRequest
from genlab.sections import probability as handlers


def probability(lang: str = "en"):
    """An ipywidgets VBox with the three figures of the lecture's first section."""
    import ipywidgets as w

    from genlab.viz import figure_png
    from genlab.widgets.controls import controls, markdown_html, redraw_on_release, values

    tr = Translator("probability", lang)
    m = controls(MixtureRequest, lang, MixtureRequest.control_names())
    k = controls(ConditionalKdeRequest, lang, ConditionalKdeRequest.control_names())
    n = controls(MomentsRequest, lang, MomentsRequest.control_names())
    for group in (m, k, n):
        redraw_on_release(group)
    draw = w.Button(description=tr("draw"), button_style="primary")
    surface, kde_image, moments_image = (w.Image(format="png", layout=w.Layout(width="640px")) for _ in range(3))
    moments, estimates, error = w.HTML(), w.HTML(), w.HTML()

    def shown(fn):
        """Run a redraw; a bad value shows its message (translated) instead of a traceback."""
        def run(*_):
            try:
                fn()
                error.value = ""
            except ValueError as err:  # InputError: the user's to fix
                error.value = f"<b style='color:#b00'>{Translator(None, lang).error(err)}</b>"
        return run

    @shown
    def draw_surface():
        figure, table, _notebook = handlers.draw_mixture(**values(m), lang=lang, figure="matplotlib")
        surface.value, moments.value = figure_png(figure), markdown_html(table)

    @shown
    def draw_kde():
        figure, _notebook = handlers.estimate_conditionals(**values(k), lang=lang, figure="matplotlib")
        kde_image.value = figure_png(figure)

    @shown
    def draw_moments():
        figure, text, _notebook = handlers.draw_moments(**values(n), lang=lang, figure="matplotlib")
        moments_image.value, estimates.value = figure_png(figure), markdown_html(text)

    draw.on_click(draw_surface)
    for name in ("elevation", "azimuth"):
        m[name].observe(draw_surface, names="value")
    for group, redraw in ((k, draw_kde), (n, draw_moments)):
        for control in group.values():
            control.observe(redraw, names="value")
    draw_surface()
    draw_kde()
    draw_moments()
    box = w.VBox([w.HTML(tr("widget_header")), m["components"],
                  w.HBox([m["n_samples"], m["grid_points"]]), w.HBox([m["seed"], draw]),
                  w.HBox([m["elevation"], m["azimuth"]]), error,
                  w.HBox([surface, moments]),
                  w.HBox([w.VBox(list(k.values())), kde_image]),
                  w.HBox([w.VBox(list(n.values())), w.VBox([moments_image, estimates])])])
    box.controls = {"mixture": m, "kde": k, "moments": n}  # for tests
    box.draw_button, box.error = draw, error
    box.surface, box.moments, box.kde_image, box.moments_image, box.estimates = (surface, moments, kde_image,
                                                                                 moments_image, estimates)
    return box
