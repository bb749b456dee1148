"""The Diffusion tab: the lecture's SDXL + DEIS controls, on the lab models or on SDXL itself.

Controls come from ``DiffusionRequest``'s declarations (``genlab.families.diffusion.pipeline``),
handlers from ``genlab.sections.diffusion``; this module only lays them out and wires the events,
each with a stable API name (``/diffusion_generate``, ``/diffusion_model_defaults``).
"""

from __future__ import annotations

import functools

from genlab.families.diffusion.pipeline import LAB, DiffusionRequest
from genlab.i18n import Translator
from genlab.sections import diffusion as handlers

TITLE = {"en": "Diffusion", "ru": "Диффузия"}


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.app.controls import control, validator
    from genlab.app.serving import HEAVY, INSTANT

    tr = Translator("diffusion", lang)
    safe = user_errors(lang)
    names = DiffusionRequest.control_names()
    start = handlers.model_view(LAB, lang)
    gr.Markdown(tr("about"))
    with gr.Row():
        with gr.Column(scale=1):
            c = {name: control(DiffusionRequest, name, lang, visible=name in start["applies"]) for name in names}
            go = gr.Button(tr("generate"), variant="primary", elem_id="diffusion-generate")
        with gr.Column(scale=2):
            samples = gr.Image(type="filepath", format="png", label=tr("samples"), interactive=False,
                               elem_id="diffusion-samples")
            plot = gr.Plot(show_label=False, visible=False, elem_id="diffusion-plot")
            strip = gr.Image(type="filepath", format="png", label=tr("strip"), interactive=False,
                             elem_id="diffusion-strip")
            notes = gr.Markdown(elem_id="diffusion-notes")
            notebook = gr.DownloadButton(tr("open_notebook"), value=None, size="sm", elem_id="diffusion-notebook")

    from genlab.families.diffusion.figures import QUALITY_LABELS, load_quality_vs_nfe, quality_vs_nfe_figure

    measured = load_quality_vs_nfe()  # the benchmark's file, shipped with the model
    with gr.Accordion(tr("nfe_curve"), open=False, elem_id="diffusion-nfe-curve"):
        gr.Markdown(tr("nfe_curve_about" if measured is not None else "nfe_curve_missing"))
        if measured is not None:
            labels = {key: tr(f"nfe_{key}") for key in QUALITY_LABELS}
            gr.Plot(value=quality_vs_nfe_figure(measured, labels=labels), show_label=False,
                    elem_id="diffusion-nfe-plot")

    others = [name for name in names if name != "model"]

    def on_model(model):
        """The chosen model's controls and defaults; the previous model's outputs cleared."""
        view = handlers.model_view(model, lang)
        toy = "toy" in view["applies"]
        return [*(gr.update(visible=name in view["applies"], **({"value": view["values"][name]}
                                                                  if name in view["values"] else {}))
                  for name in others),
                gr.update(value=None, visible=not toy), gr.update(value=None, visible=toy),
                gr.update(value=None, visible=not toy), view["status"], None]

    c["model"].change(safe(on_model), [c["model"]], [*(c[name] for name in others), samples, plot, strip, notes,
                                                      notebook], api_name="diffusion_model_defaults", **INSTANT)
    go.click(safe(functools.partial(handlers.generate, lang=lang, progress=gr.Progress())),
             [c[name] for name in names], [samples, plot, strip, notes, notebook], api_name="diffusion_generate",
             validator=validator(DiffusionRequest, names, lang, check=handlers.check_request), **HEAVY)
