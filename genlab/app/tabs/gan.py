"""The GAN tab. Placeholder until its issue lands: it says plainly that it is not built yet."""

from genlab.app.common import render_not_built

TITLE = {"en": "GAN", "ru": "GAN"}
STRINGS = {
    "en": {"about": "Class-conditional generation x = G(z, y) with the truncation trick."},
    "ru": {"about": "Условная генерация x = G(z, y) с трюком усечения."},
}


def render(lang: str) -> None:
    render_not_built(STRINGS, lang)
