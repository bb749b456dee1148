"""Jupyter widget for the VAE section: ``genlab.widgets.vae()`` — the lecture's EAR_VAE widget.

FileUpload (.wav/.flac/.ogg; empty = a random shipped clip), seconds, latent = mean/sample, the
buttons "Encode → Latent → Reconstruct" and "Sample z ~ N(0, I) → Decode", both audio players,
the figures, the KL (correct, and the lecture's value beside it); and the digit VAE's 2-D latent
walk. Views only: the handlers are the web tab's, the math is in genlab.families.vae.
"""

from __future__ import annotations

from genlab.errors import InputError
from genlab.i18n import Translator

STRINGS = {
    "en": {"upload": "clip", "seconds": "seconds:", "latent": "latent:", "mean": "mean (deterministic)",
           "sample": "sample (stochastic)", "recon": "Encode → Latent → Reconstruct",
           "prior": "Sample z ~ N(0,I) → Decode", "original": "Original audio",
           "reconstruction": "Reconstructed / decoded audio", "seed": "seed", "z1": "z1", "z2": "z2",
           "digits": "Digit VAE: 2-D latent walk"},
    "ru": {"upload": "клип", "seconds": "секунды:", "latent": "латент:", "mean": "среднее (детерминированно)",
           "sample": "сэмпл (стохастически)", "recon": "Кодировать → Латент → Восстановить",
           "prior": "Сэмплировать z ~ N(0,I) → Декодировать", "original": "Исходное аудио",
           "reconstruction": "Восстановленное / декодированное аудио", "seed": "сид", "z1": "z1", "z2": "z2",
           "digits": "VAE на цифрах: прогулка по двумерному латенту"},
}


def _audio_widget(path):
    import ipywidgets as w

    with open(path, "rb") as f:
        return w.Audio(value=f.read(), format="wav", autoplay=False, loop=False)


def vae(lang: str = "en", model: str = "lab"):
    """An ipywidgets VBox with the lecture's VAE demo and the digit latent walk."""
    import io

    import ipywidgets as w
    import numpy as np
    from PIL import Image

    from genlab.app.tabs import vae as tab
    from genlab.viz import figure_png

    tr = Translator(STRINGS, lang)
    upload = w.FileUpload(accept=".wav,.flac,.ogg", multiple=False, description=tr("upload"))
    seconds = w.FloatSlider(2.5, min=0.5, max=10.0, step=0.5, description=tr("seconds"),
                            layout=w.Layout(width="60%"))
    latent = w.ToggleButtons(options=[(tr("mean"), "mean"), (tr("sample"), "sample")], description=tr("latent"))
    seed = w.IntText(-1, description=tr("seed"))
    btn_recon = w.Button(description=tr("recon"), button_style="primary", layout=w.Layout(width="auto"))
    btn_prior = w.Button(description=tr("prior"), button_style="warning", layout=w.Layout(width="auto"))
    out = w.VBox()
    error = w.HTML()

    def uploaded_bytes():
        value = upload.value
        if not value:
            return None
        item = value[0] if isinstance(value, (list, tuple)) else next(iter(value.values()))
        return bytes(item["content"])

    def show_error(err):
        error.value = f"<b style='color:#c00'>{Translator(None, lang).error(err)}</b>"

    def run_recon(_=None):
        import tempfile
        from pathlib import Path

        try:
            raw = uploaded_bytes()
            source = None
            if raw is not None:
                source = Path(tempfile.mkdtemp(prefix="genlab-vae-")) / "upload.bin"
                source.write_bytes(raw)
            orig, recon, info, wave_fig, hist_fig, heat_fig = tab.reconstruct(
                str(source) if source else None, model, seconds.value, latent.value, seed.value, lang)
            out.children = [w.HTML(f"<b>{tr('original')}</b>"), _audio_widget(orig),
                            w.HTML(f"<b>{tr('reconstruction')}</b>"), _audio_widget(recon),
                            w.HTML(info.replace("\n", "<br>")),
                            *[w.Image(value=figure_png(f), format="png") for f in (wave_fig, hist_fig, heat_fig)]]
            error.value = ""
        except InputError as err:
            show_error(err)

    def run_prior(_=None):
        try:
            path, info, wave_fig, heat_fig = tab.sample_prior(model, seconds.value, seed.value, lang)
            out.children = [w.HTML(f"<b>{tr('reconstruction')}</b>"), _audio_widget(path), w.HTML(info),
                            *[w.Image(value=figure_png(f), format="png") for f in (wave_fig, heat_fig)]]
            error.value = ""
        except InputError as err:
            show_error(err)

    btn_recon.on_click(run_recon)
    btn_prior.on_click(run_prior)

    z1 = w.FloatSlider(0.0, min=-tab.DIGIT_SPAN, max=tab.DIGIT_SPAN, step=0.05, description=tr("z1"),
                       continuous_update=False)
    z2 = w.FloatSlider(0.0, min=-tab.DIGIT_SPAN, max=tab.DIGIT_SPAN, step=0.05, description=tr("z2"),
                       continuous_update=False)
    digit_img = w.Image(format="png", layout=w.Layout(width="168px"))
    map_img = w.Image(format="png", layout=w.Layout(width="420px"))

    def walk(*_):
        try:
            digit, fig = tab.walk_digits(z1.value, z2.value, lang)
            buf = io.BytesIO()
            Image.fromarray(np.asarray(digit)).save(buf, format="PNG")
            digit_img.value = buf.getvalue()
            map_img.value = figure_png(fig)
            error.value = ""
        except InputError as err:
            show_error(err)

    z1.observe(walk, names="value")
    z2.observe(walk, names="value")
    walk()
    container = w.VBox([upload, seconds, latent, seed, w.HBox([btn_recon, btn_prior]), error, out,
                        w.HTML(f"<b>{tr('digits')}</b>"), w.HBox([w.VBox([z1, z2, digit_img]), map_img])])
    container.run_recon, container.run_prior = run_recon, run_prior  # for tests and notebooks
    return container
