"""The Discriminative vs generative tab. Placeholder until its issue lands: it says plainly that it is not built yet."""

from genlab.app.common import render_not_built

TITLE = {"en": "Discriminative vs generative", "ru": "Дискриминативный vs генеративный"}
STRINGS = {
    "en": {"about": "Logistic regression by gradient descent against a Gaussian mixture by EM on the same data; Bayes; MLE as minimum KL."},
    "ru": {"about": "Логистическая регрессия градиентным спуском против гауссовой смеси по EM на одних данных; Байес; MLE как минимум KL."},
}


def render(lang: str) -> None:
    render_not_built(STRINGS, lang)
