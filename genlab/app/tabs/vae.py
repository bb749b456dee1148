"""The VAE tab. Placeholder until its issue lands: it says plainly that it is not built yet."""

from genlab.app.common import render_not_built

TITLE = {"en": "VAE", "ru": "VAE"}
STRINGS = {
    "en": {"about": "Audio through an encoder q(z given x) and a decoder p(x given z); the ELBO."},
    "ru": {"about": "Аудио через кодировщик q(z при x) и декодер p(x при z); ELBO."},
}


def render(lang: str) -> None:
    render_not_built(STRINGS, lang)
