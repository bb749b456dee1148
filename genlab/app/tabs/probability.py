"""The Probability tab. Placeholder until its issue lands: it says plainly that it is not built yet."""

from genlab.app.common import render_not_built

TITLE = {"en": "Probability", "ru": "Вероятность"}
STRINGS = {
    "en": {"about": "Probabilistic modelling: distributions, densities, conditional and marginal, samples, moments."},
    "ru": {"about": "Вероятностное моделирование: распределения, плотности, условные и маргинальные распределения, выборки, моменты."},
}


def render(lang: str) -> None:
    render_not_built(STRINGS, lang)
