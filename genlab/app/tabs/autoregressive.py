"""The Autoregressive tab. Placeholder until its issue lands: it says plainly that it is not built yet."""

from genlab.app.common import render_not_built

TITLE = {"en": "Autoregressive", "ru": "Авторегрессионные"}
STRINGS = {
    "en": {"about": "Text, streamed token by token: p(x) = prod_t p(x_t given x_<t)."},
    "ru": {"about": "Текст, токен за токеном: p(x) = prod_t p(x_t при x_<t)."},
}


def render(lang: str) -> None:
    render_not_built(STRINGS, lang)
