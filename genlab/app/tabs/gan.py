"""The GAN tab: the lecture's BigGAN demo on genlab's class-conditional digits GAN.

Controls come from the requests' declarations (``genlab.families.gan.pipeline``), handlers from
``genlab.sections.gan``; this module only lays them out and wires the events, each with a stable
API name (``/gan_generate``, ...).
"""

from __future__ import annotations

import functools

from genlab.families.gan import pipeline
from genlab.families.gan.pipeline import GanRequest, InterpolationRequest, ToyTrainingRequest
from genlab.i18n import Translator
from genlab.sections import gan as handlers

TITLE = {"en": "GAN", "ru": "GAN"}


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.app.controls import controls, preset_updates
    from genlab.app.serving import HEAVY

    tr = Translator("gan", lang)
    safe = user_errors(lang)
    gr.Markdown(tr("about"))
    gr.Markdown(tr("no_density"), elem_id="gan-no-density")
    with gr.Row():
        with gr.Column(scale=2):
            c = controls(GanRequest, lang, ["model"])
            with gr.Row():
                c.update(controls(GanRequest, lang, ["class_id"]))
                class_name = gr.Dropdown(handlers.class_choices(pipeline.LAB, lang), value=0, label=tr("class_name"),
                                         filterable=True, elem_id="gan-class-name")
            random_btn = gr.Button(tr("random_class"), size="sm", elem_id="gan-random-class")
            c.update(controls(GanRequest, lang, ["all_classes", "n", "truncation", "seed"]))
            go = gr.Button(tr("generate"), variant="primary", elem_id="gan-generate")
        with gr.Column(scale=3):
            grid_out = gr.Image(type="filepath", label=tr("grid"), interactive=False, elem_id="gan-grid")
            info = gr.Markdown(elem_id="gan-info")
            notebook = gr.DownloadButton(tr("open_notebook"), value=None, size="sm", elem_id="gan-notebook")

    def on_model_change(model):
        defaults = handlers.model_defaults(model)
        return [gr.update(choices=handlers.class_choices(model, lang), value=defaults["class_id"]),
                *preset_updates(GanRequest, model, ["class_id", "truncation"])]

    c["model"].change(safe(on_model_change), [c["model"]], [class_name, c["class_id"], c["truncation"]],
                      api_name="gan_model_defaults")
    class_name.input(safe(handlers.sync_class), [class_name, c["model"]], [c["class_id"]], api_name="gan_class_by_name")
    c["class_id"].input(safe(handlers.sync_class), [c["class_id"], c["model"]], [class_name], api_name="gan_class_by_id")
    random_btn.click(safe(handlers.random_class), [c["model"]], [c["class_id"], class_name], api_name="gan_random_class")
    go.click(safe(functools.partial(handlers.generate, lang=lang)),
             [c[name] for name in GanRequest.params()], [grid_out, info, notebook], api_name="gan_generate",
             **HEAVY)

    with gr.Row():
        ask = gr.Button(tr("try_log_prob"), size="sm", elem_id="gan-log-prob")
        answer = gr.Markdown(elem_id="gan-log-prob-answer")
    ask.click(safe(functools.partial(handlers.try_log_prob, lang=lang)), [], [answer], api_name="gan_log_prob")

    with gr.Accordion(tr("interp"), open=False):
        with gr.Row():
            i = controls(InterpolationRequest, lang, ["mode", "steps"], elem_prefix="interp-")
        with gr.Row():
            i.update(controls(InterpolationRequest, lang, ["class_a", "class_b", "seed_a", "seed_b"], elem_prefix="interp-"))
        i.update(controls(InterpolationRequest, lang, ["truncation"], elem_prefix="interp-"))
        interp_btn = gr.Button(tr("interp_run"), elem_id="gan-interp")
        strip = gr.Image(type="filepath", label=tr("strip"), interactive=False, elem_id="gan-strip")
        strip_notebook = gr.DownloadButton(tr("open_notebook"), value=None, size="sm", elem_id="gan-strip-notebook")
        interp_btn.click(safe(functools.partial(handlers.interpolate, lang=lang)),
                         [i[name] for name in InterpolationRequest.params()], [strip, strip_notebook],
                         api_name="gan_interpolate", **HEAVY)

    with gr.Accordion(tr("sweep"), open=False):
        fig, text = handlers.sweep_figure(lang)
        gr.Markdown(text)
        if fig is not None:
            gr.Plot(fig, show_label=False)

    with gr.Accordion(tr("toy"), open=True):
        gr.Markdown(tr("toy_about"))
        with gr.Row():
            t = controls(ToyTrainingRequest, lang, elem_prefix="toy-")
        toy_btn = gr.Button(tr("toy_run"), elem_id="gan-toy-run")
        # the figure gets the tab's whole width (beside the log it was half of it: issue 15), the log below
        toy_plot = gr.Plot(show_label=False, elem_id="gan-toy-plot")
        toy_log = gr.Markdown(elem_id="gan-toy-log")
        toy_btn.click(safe(functools.partial(handlers.train_toy, lang=lang)),
                      [t[name] for name in ToyTrainingRequest.params()], [toy_plot, toy_log], api_name="gan_train_toy",
                      **HEAVY)
