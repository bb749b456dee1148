"""Jupyter widget for the Diffusion section: ``genlab.widgets.diffusion()`` — the lecture's SDXL + DEIS
widget, on the lab models by default.

The same controls as the web tab (built from ``DiffusionRequest``'s declarations), with a progress
bar per step; the handlers are ``genlab.sections.diffusion``.
"""

from __future__ import annotations

from genlab.families.diffusion.pipeline import LAB, DiffusionRequest
from genlab.i18n import Translator
from genlab.sections import diffusion as handlers


def diffusion(lang: str = "en", model: str = LAB):
    """An ipywidgets VBox with the lecture's diffusion controls, the samples and the chain strip."""
    import ipywidgets as w

    from genlab.viz import figure_png
    from genlab.widgets.controls import controls, markdown_html, values

    tr = Translator("diffusion", lang)
    c = controls(DiffusionRequest, lang, DiffusionRequest.control_names(), model=model)
    button = w.Button(description=tr("generate"), button_style="primary")
    progress = w.FloatProgress(value=0, min=0, max=1)
    image, strip, notes = w.Image(format="png"), w.Image(format="png"), w.HTML()

    def on_model(change=None):
        view = handlers.model_view(c["model"].value, lang)
        for name, widget in c.items():
            widget.layout.display = None if name in view["applies"] else "none"
        for name, value in view["values"].items():
            c[name].value = value
        image.value, strip.value, notes.value = b"", b"", view["status"]

    def set_progress(fraction, desc=""):
        progress.value, progress.description = fraction, desc

    def on_click(_=None):
        progress.value = 0
        try:
            path, figure, strip_path, text, _notebook = handlers.generate(**values(c), lang=lang, progress=set_progress)
        except ValueError as err:  # InputError: the user's to fix; the widget goes on
            notes.value = f"<span style='color:#b00'>{tr.error(err)}</span>"
            return
        if path:
            with open(path, "rb") as f:
                image.value = f.read()
        else:
            image.value = figure_png(figure)
        if strip_path:
            with open(strip_path, "rb") as f:
                strip.value = f.read()
        else:
            strip.value = b""
        notes.value = markdown_html(text)

    c["model"].observe(on_model, names="value")
    button.on_click(on_click)
    on_model()
    box = w.VBox([w.HTML(tr("widget_header")), *c.values(), button, progress, image, strip, notes])
    box.controls, box.generate_button, box.progress = c, button, progress  # for tests
    box.image, box.strip, box.notes = image, strip, notes
    return box
