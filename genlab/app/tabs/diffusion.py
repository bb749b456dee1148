"""The Diffusion tab. Placeholder until its issue lands: it says plainly that it is not built yet."""

from genlab.app.common import render_not_built

TITLE = {"en": "Diffusion", "ru": "Диффузия"}
STRINGS = {
    "en": {"about": "A learned reverse chain from noise x_T to data x_0, with a choice of schedulers."},
    "ru": {"about": "Обученная обратная цепочка от шума x_T к данным x_0, с выбором планировщика."},
}


def render(lang: str) -> None:
    render_not_built(STRINGS, lang)
