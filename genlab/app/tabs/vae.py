"""The VAE tab: the lecture's EAR_VAE demo on genlab's speech VAE, the latent interpolation, and
the digit VAE's 2-D latent walk.

Controls come from the requests' declarations (``genlab.families.vae.pipeline``), handlers from
``genlab.sections.vae``; this module only lays them out and wires the events, each with a stable
API name (``/vae_reconstruct``, ...). Reconstructing and sampling the prior fill the same
outputs, so each result is shown whole and alone.
"""

from __future__ import annotations

import functools

from genlab.errors import InputError
from genlab.families.vae.pipeline import DigitWalkRequest, InterpolationRequest, PriorRequest, ReconstructionRequest
from genlab.i18n import Translator
from genlab.sections import vae as handlers

TITLE = {"en": "VAE", "ru": "VAE"}


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import drawn_by_browser, plot_data, user_errors
    from genlab.app.controls import controls, validator
    from genlab.app.serving import HEAVY

    tr = Translator("vae", lang)
    safe = user_errors(lang)
    gr.Markdown(tr("about"))
    gr.Markdown(tr("kl_note"))
    with gr.Row():
        with gr.Column(scale=3):
            audio_in = gr.Audio(sources=["upload", "microphone"], type="filepath", label=tr.label("clip"),
                                elem_id="vae-audio-in")
            random_btn = gr.Button(tr("random_clip"), size="sm", elem_id="vae-random-clip")
        with gr.Column(scale=2):
            c = controls(ReconstructionRequest, lang, ["model", "seconds", "latent", "seed"])
    with gr.Row():
        recon_btn = gr.Button(tr("recon"), variant="primary", elem_id="vae-recon")
        prior_btn = gr.Button(tr("prior"), variant="secondary", elem_id="vae-prior")
    with gr.Row():
        original = gr.Audio(type="filepath", label=tr("original_player"), interactive=False,
                            elem_id="vae-audio-orig")
        output = gr.Audio(type="filepath", label=tr("output_player"), interactive=False, elem_id="vae-audio-out")
    info = gr.Markdown(elem_id="vae-info")
    notebook = gr.DownloadButton(tr("open_notebook"), value=None, size="sm", elem_id="vae-notebook")
    waveforms = gr.Plot(show_label=False, elem_id="vae-waveforms")
    with gr.Row():
        histograms = gr.Plot(show_label=False, elem_id="vae-histograms")
        heatmap = gr.Plot(show_label=False, elem_id="vae-heatmap")
    # both actions own every one of these (handlers.AUDIO_OUTPUTS): the last one's result only
    audio_outputs = [original, output, info, waveforms, histograms, heatmap, notebook]

    random_btn.click(safe(handlers.pick_random_clip), [c["seed"]], [audio_in], api_name="vae_random_clip")
    recon_btn.click(safe(functools.partial(handlers.reconstruct, lang=lang)),
                    [audio_in, c["model"], c["seconds"], c["latent"], c["seed"]], audio_outputs,
                    api_name="vae_reconstruct", **HEAVY)
    prior_names = PriorRequest.control_names()
    prior_btn.click(safe(functools.partial(handlers.sample_prior, lang=lang)), [c[name] for name in prior_names],
                    audio_outputs, api_name="vae_sample_prior", validator=validator(PriorRequest, prior_names, lang),
                    **HEAVY)

    with gr.Accordion(tr("interp"), open=False):
        with gr.Row():
            clip_a = gr.Audio(sources=["upload", "microphone"], type="filepath", label=tr.label("clip_a"),
                              elem_id="vae-clip-a")
            clip_b = gr.Audio(sources=["upload", "microphone"], type="filepath", label=tr.label("clip_b"),
                              elem_id="vae-clip-b")
        with gr.Row():
            i = controls(InterpolationRequest, lang, ["seconds", "steps", "seed"], elem_prefix="interp-")
        interp_btn = gr.Button(tr("interp_run"), elem_id="vae-interp")
        interp_audio = gr.Audio(type="filepath", label=tr("interp_audio"), interactive=False, elem_id="vae-interp-audio")
        interp_notebook = gr.DownloadButton(tr("open_notebook"), value=None, size="sm", elem_id="vae-interp-notebook")
        interp_plot = gr.Plot(show_label=False, elem_id="vae-interp-plot")
        interp_btn.click(safe(functools.partial(handlers.interpolate, lang=lang)),
                         [clip_a, clip_b, c["model"], i["seconds"], i["steps"], i["seed"]],
                         [interp_audio, interp_plot, interp_notebook], api_name="vae_interpolate", **HEAVY)

    with gr.Accordion(tr("digits"), open=True):
        gr.Markdown(tr("digits_about"))
        try:  # the view at the declared start point; a missing asset leaves it empty, the handler explains
            figure, notebook_path = handlers.walk_digits(lang=lang)
        except InputError:
            figure, notebook_path = None, None
        with gr.Row():
            with gr.Column(scale=1):
                d = controls(DigitWalkRequest, lang, DigitWalkRequest.control_names())
                digit_notebook = gr.DownloadButton(tr("open_notebook"), value=notebook_path, size="sm",
                                                   elem_id="vae-digit-notebook")
            with gr.Column(scale=3):
                digit_plot = gr.Plot(plot_data(figure), show_label=False, elem_id="vae-digit-plot")
        names = DigitWalkRequest.control_names()
        on_walk = drawn_by_browser(safe(functools.partial(handlers.walk_digits, lang=lang)))
        gr.on([d[name].release for name in names], on_walk, [d[name] for name in names], [digit_plot, digit_notebook],
              api_name="vae_digit_walk", validator=validator(DigitWalkRequest, names, lang))
