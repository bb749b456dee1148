"""The Probability tab (lecture section 1): a rotatable mixture density surface with an editable
table of components and samples drawn from it; p(x | y) and p(x) as KDE curves; mean and ± σ.

Controls come from the requests' declarations (``genlab.prob.pipeline``), handlers from
``genlab.sections.probability``; this module only lays them out and wires the events, each with
a stable API name (``/probability_surface``, ...).
"""

from __future__ import annotations

import functools

from genlab.i18n import Translator
from genlab.prob.pipeline import ConditionalKdeRequest, MixtureRequest, MomentsRequest
from genlab.sections import probability as handlers

TITLE = {"en": "Probability", "ru": "Вероятность"}


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import drawn_by_browser, plot_data, user_errors
    from genlab.app.controls import controls, validator

    tr = Translator("probability", lang)
    safe = user_errors(lang)
    gr.Markdown(tr("about"))

    gr.Markdown(tr("surface_h"))
    m = controls(MixtureRequest, lang, ["components"])  # full width: six columns never clipped
    gr.Markdown(tr("table_help"))
    with gr.Row():
        with gr.Column(scale=2):
            m.update(controls(MixtureRequest, lang, ["n_samples", "grid_points", "seed", "elevation", "azimuth"]))
            draw = gr.Button(tr("draw"), variant="primary", elem_id="probability-draw")
        with gr.Column(scale=3):
            figure, table, notebook = handlers.draw_mixture(lang=lang)
            surface = gr.Plot(figure, show_label=False, elem_id="probability-surface")
            surface_notebook = gr.DownloadButton(tr("open_notebook"), value=notebook, size="sm",
                                                 elem_id="probability-surface-notebook")
            moments = gr.Markdown(table, elem_id="probability-moments")
    names = MixtureRequest.control_names()
    draw.click(safe(functools.partial(handlers.draw_mixture, lang=lang)), [m[name] for name in names],
               [surface, moments, surface_notebook], api_name="probability_surface",
               validator=validator(MixtureRequest, names, lang))

    gr.Markdown(tr("kde_h"))
    with gr.Row():
        with gr.Column(scale=1):
            k = controls(ConditionalKdeRequest, lang, ConditionalKdeRequest.control_names(), elem_prefix="kde-")
        with gr.Column(scale=3):
            figure, notebook = handlers.estimate_conditionals(lang=lang)
            kde_plot = gr.Plot(plot_data(figure), show_label=False, elem_id="probability-kde")
            kde_notebook = gr.DownloadButton(tr("open_notebook"), value=notebook, size="sm",
                                             elem_id="probability-kde-notebook")
    kde_inputs = list(k.values())
    on_kde = drawn_by_browser(safe(functools.partial(handlers.estimate_conditionals, lang=lang)))
    gr.on([c.change for c in kde_inputs], on_kde, kde_inputs, [kde_plot, kde_notebook], trigger_mode="always_last",
          api_name="probability_kde", validator=validator(ConditionalKdeRequest, k, lang))

    gr.Markdown(tr("mom_h"))
    with gr.Row():
        with gr.Column(scale=1):
            n = controls(MomentsRequest, lang, MomentsRequest.control_names(), elem_prefix="moments-")
        with gr.Column(scale=3):
            figure, text, notebook = handlers.draw_moments(lang=lang)
            moments_plot = gr.Plot(plot_data(figure), show_label=False, elem_id="probability-moments-plot")
            estimates = gr.Markdown(text, elem_id="probability-estimates")
            moments_notebook = gr.DownloadButton(tr("open_notebook"), value=notebook, size="sm",
                                                 elem_id="probability-moments-notebook")
    moment_inputs = list(n.values())
    on_moments = drawn_by_browser(safe(functools.partial(handlers.draw_moments, lang=lang)))
    gr.on([c.change for c in moment_inputs], on_moments, moment_inputs, [moments_plot, estimates, moments_notebook],
          trigger_mode="always_last", api_name="probability_moments", validator=validator(MomentsRequest, n, lang))
