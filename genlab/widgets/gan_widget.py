"""Jupyter widget for the GAN section: ``genlab.widgets.gan()`` — the lecture's BigGAN widget.

The lecture's controls (class by index, random class, n 1-16, truncation 0.1-1.0, seed, Generate)
plus the class by name, on the shipped digits GAN (or BigGAN-deep-256 when its weights are here),
and a button that trains the 2-D toy GAN and shows its decision field. Views only: the handlers are
the web tab's, the math is in genlab.families.gan.
"""

from __future__ import annotations

from genlab.errors import InputError
from genlab.i18n import Translator

STRINGS = {
    "en": {"class_id": "class_id:", "class_name": "class:", "n": "n:", "trunc": "trunc:", "seed": "seed:",
           "generate": "Generate", "random": "Random class", "toy": "Train the 2-D toy GAN",
           "header": "<b>Class-conditional GAN</b> (BigGAN-style, on 28×28 digits). A GAN has no density: "
                     "it only samples, x = G(z, y)."},
    "ru": {"class_id": "class_id:", "class_name": "класс:", "n": "n:", "trunc": "усечение:", "seed": "сид:",
           "generate": "Сгенерировать", "random": "Случайный класс", "toy": "Обучить 2-D GAN",
           "header": "<b>Условный GAN</b> (как BigGAN, на цифрах 28×28). У GAN нет плотности: "
                     "он только сэмплирует, x = G(z, y)."},
}


def gan(lang: str = "en", model: str = "lab"):
    """An ipywidgets VBox with the lecture's GAN controls and the live 2-D toy GAN."""
    import ipywidgets as w

    from genlab.app.tabs import gan as tab
    from genlab.viz import figure_png

    tr = Translator(STRINGS, lang)
    choices = tab.class_choices(model)
    class_id = w.IntSlider(0, min=0, max=len(choices) - 1, description=tr("class_id"),
                           layout=w.Layout(width="520px"))
    class_name = w.Dropdown(options=choices, value=0, description=tr("class_name"))
    n = w.IntSlider(4, min=1, max=16, description=tr("n"), layout=w.Layout(width="520px"))
    trunc = w.FloatSlider(1.0, min=0.1, max=1.0, step=0.05, readout_format=".2f", description=tr("trunc"),
                          layout=w.Layout(width="520px"))
    seed = w.IntText(-1, description=tr("seed"), layout=w.Layout(width="240px"))
    btn_gen = w.Button(description=tr("generate"), button_style="primary")
    btn_rand = w.Button(description=tr("random"), button_style="info")
    btn_toy = w.Button(description=tr("toy"))
    image = w.Image(format="png")
    info = w.HTML()
    toy_image = w.Image(format="png")

    def show_error(err: Exception):
        info.value = f"<span style='color:#b00'>{err.message(lang) if isinstance(err, InputError) else err}</span>"

    def link_id(change):
        class_name.value = change["new"]

    def link_name(change):
        class_id.value = change["new"]

    class_id.observe(link_id, names="value")
    class_name.observe(link_name, names="value")

    def on_rand(_):
        class_id.value, _unused = tab.random_class(model)

    def on_gen(_):
        try:
            path, text = tab.generate(model, class_id.value, n.value, trunc.value, seed.value, lang)
        except InputError as err:
            show_error(err)
            return
        with open(path, "rb") as f:
            image.value = f.read()
        info.value = text

    def on_toy(_):
        for fig, _log in tab.train_toy("eight_gaussians", 600, 0, lang, every=200):
            toy_image.value = figure_png(fig)

    btn_rand.on_click(on_rand)
    btn_gen.on_click(on_gen)
    btn_toy.on_click(on_toy)
    box = w.VBox([w.HTML(tr("header")), class_id, w.HBox([class_name, seed, btn_rand]), n, trunc, btn_gen,
                  image, info, btn_toy, toy_image])
    box.generate_button, box.random_button, box.toy_button = btn_gen, btn_rand, btn_toy  # for tests
    box.controls = {"class_id": class_id, "class_name": class_name, "n": n, "truncation": trunc, "seed": seed}
    box.image, box.info, box.toy_image = image, info, toy_image
    return box
