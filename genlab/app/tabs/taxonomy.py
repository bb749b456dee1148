"""The Taxonomy tab. Placeholder until its issue lands: it says plainly that it is not built yet."""

from genlab.app.common import render_not_built

TITLE = {"en": "Taxonomy", "ru": "Классификация"}
STRINGS = {
    "en": {"about": "Explicit, implicit and latent models side by side on 2-D toy data."},
    "ru": {"about": "Явные, неявные и латентные модели рядом на двумерных игрушечных данных."},
}


def render(lang: str) -> None:
    render_not_built(STRINGS, lang)
