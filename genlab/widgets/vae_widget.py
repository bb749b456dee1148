"""Jupyter widget for the VAE section: ``genlab.widgets.vae()`` — the lecture's EAR_VAE widget.

FileUpload (.wav/.flac/.ogg; empty = a random shipped clip) and the same controls as the web tab
(built from the requests' declarations), the buttons "Encode → Latent → Reconstruct" and "Sample
z ~ N(0, I) → Decode", the players, the figures and the KL (correct, and the lecture's value
beside it); then the digit VAE's 2-D latent walk. The handlers are ``genlab.sections.vae``.
"""

from __future__ import annotations

from genlab.families.vae.pipeline import DigitWalkRequest, ReconstructionRequest
from genlab.i18n import Translator
from genlab.sections import vae as handlers


def _audio_widget(path):
    import ipywidgets as w

    with open(path, "rb") as f:
        return w.Audio(value=f.read(), format="wav", autoplay=False, loop=False)


def vae(lang: str = "en", model: str = "lab"):
    """An ipywidgets VBox with the lecture's VAE demo and the digit latent walk."""
    import ipywidgets as w

    from genlab.viz import figure_png
    from genlab.widgets.controls import controls, markdown_html, redraw_on_release, values

    tr = Translator("vae", lang)
    upload = w.FileUpload(accept=".wav,.flac,.ogg", multiple=False, description=tr("upload"),
                          layout=w.Layout(width="auto"))
    c = controls(ReconstructionRequest, lang, ["seconds", "latent", "seed"], model=model)
    btn_recon = w.Button(description=tr("recon"), button_style="primary", layout=w.Layout(width="auto"))
    btn_prior = w.Button(description=tr("prior"), button_style="warning", layout=w.Layout(width="auto"))
    out, error = w.VBox(), w.HTML()

    def uploaded():
        value = upload.value
        if not value:
            return None
        item = value[0] if isinstance(value, (list, tuple)) else next(iter(value.values()))
        return handlers.uploaded_clip(bytes(item["content"]), item.get("name", "upload"))

    def show_error(err: Exception):
        error.value = f"<b style='color:#c00'>{tr.error(err)}</b>"

    def show(outputs):
        original, output, info, *figures, _notebook = outputs
        players = [(tr("original_player"), original), (tr("output_player"), output)]
        out.children = [item for label, path in players if path
                        for item in (w.HTML(f"<b>{label}</b>"), _audio_widget(path))]
        out.children += (w.HTML(markdown_html(info)),
                         *[w.Image(value=figure_png(f), format="png") for f in figures if f is not None])
        error.value = ""

    def run_recon(_=None):
        try:
            show(handlers.reconstruct(uploaded(), model, **values(c), lang=lang))
        except ValueError as err:  # InputError: the user's to fix
            show_error(err)

    def run_prior(_=None):
        v = values(c)
        try:
            show(handlers.sample_prior(model, v["seconds"], v["seed"], lang))
        except ValueError as err:
            show_error(err)

    btn_recon.on_click(run_recon)
    btn_prior.on_click(run_prior)

    d = controls(DigitWalkRequest, lang, DigitWalkRequest.control_names())
    redraw_on_release(d)
    walk_image = w.Image(format="png", layout=w.Layout(width="640px"))

    def walk(*_):
        try:
            figure, _notebook = handlers.walk_digits(**values(d), lang=lang, figure="matplotlib")
            walk_image.value = figure_png(figure)
            error.value = ""
        except ValueError as err:
            show_error(err)

    for control in d.values():
        control.observe(walk, names="value")
    walk()
    box = w.VBox([w.HTML(tr("widget_header")), upload, *c.values(), w.HBox([btn_recon, btn_prior]), error, out,
                  w.HTML(f"<b>{tr('digits')}</b>"), w.HBox([w.VBox(list(d.values())), walk_image])])
    box.run_recon, box.run_prior, box.walk = run_recon, run_prior, walk  # for tests and notebooks
    box.upload, box.out, box.controls, box.walk_image = upload, out, {**c, **d}, walk_image
    return box
