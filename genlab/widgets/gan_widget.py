"""Jupyter widget for the GAN section: ``genlab.widgets.gan()`` — the lecture's BigGAN widget.

The same controls as the web tab (built from ``GanRequest``'s declarations), the class also by
name, a random-class button, and the live 2-D toy GAN; the handlers are ``genlab.sections.gan``.
"""

from __future__ import annotations

from genlab.families.gan.pipeline import GanRequest
from genlab.i18n import Translator
from genlab.sections import gan as handlers


def gan(lang: str = "en", model: str = "lab"):
    """An ipywidgets VBox with the lecture's GAN controls and the live 2-D toy GAN."""
    import ipywidgets as w

    from genlab.viz import figure_png
    from genlab.widgets.controls import controls, values

    tr = Translator("gan", lang)
    c = controls(GanRequest, lang, ["class_id", "n", "truncation", "seed"], model=model)
    class_name = w.Dropdown(options=handlers.class_choices(model, lang), value=c["class_id"].value,
                            description=tr("class_name"))
    btn_gen = w.Button(description=tr("generate"), button_style="primary")
    btn_rand = w.Button(description=tr("random_class"), button_style="info")
    btn_toy = w.Button(description=tr("toy_run"))
    image, info, toy_image = w.Image(format="png"), w.HTML(), w.Image(format="png")

    def show_error(err: Exception):
        info.value = f"<span style='color:#b00'>{Translator('gan', lang).error(err)}</span>"

    def link_id(change):
        try:
            class_name.value = handlers.sync_class(change["new"], model)
        except ValueError as err:
            show_error(err)

    def link_name(change):
        c["class_id"].value = change["new"]

    c["class_id"].observe(link_id, names="value")
    class_name.observe(link_name, names="value")

    def on_rand(_):
        c["class_id"].value, _unused = handlers.random_class(model)

    def on_gen(_):
        try:
            path, text, _notebook = handlers.generate(model, **values(c), lang=lang)
        except ValueError as err:  # InputError: the user's to fix
            show_error(err)
            return
        with open(path, "rb") as f:
            image.value = f.read()
        info.value = text

    def on_toy(_):
        for fig, _log in handlers.train_toy("eight_gaussians", 600, 0, lang, every=200):
            toy_image.value = figure_png(fig)

    btn_rand.on_click(on_rand)
    btn_gen.on_click(on_gen)
    btn_toy.on_click(on_toy)
    box = w.VBox([w.HTML(tr("widget_header")), c["class_id"], w.HBox([class_name, c["seed"], btn_rand]), c["n"],
                  c["truncation"], btn_gen, image, info, btn_toy, toy_image])
    box.generate_button, box.random_button, box.toy_button = btn_gen, btn_rand, btn_toy  # for tests
    box.controls = {**c, "class_name": class_name}
    box.image, box.info, box.toy_image = image, info, toy_image
    return box
