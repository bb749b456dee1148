"""The Ethics tab. Placeholder until its issue lands: it says plainly that it is not built yet."""

from genlab.app.common import render_not_built

TITLE = {"en": "Ethics", "ru": "Этика"}
STRINGS = {
    "en": {"about": "Provenance on every output, bias replication, plausibility is not truth."},
    "ru": {"about": "Происхождение каждого результата, воспроизведение смещений, правдоподобие — не истина."},
}


def render(lang: str) -> None:
    render_not_built(STRINGS, lang)
