"""Jupyter widget for lecture section 1: ``genlab.widgets.probability()``.

The mixture surface (matplotlib 3-D, turned with elevation/azimuth sliders) with editable
parameters and samples, the KDE curves of p(x | y) and p(x), and mean +/- sigma. Views only: the
parsing and drawing reuse the web tab's handlers, the math is in genlab.prob.
"""

from __future__ import annotations

from genlab.errors import InputError
from genlab.i18n import Translator

STRINGS = {
    "en": {"table": "Components, one per line: weight, mean x, mean y, var x, cov xy, var y",
           "n_samples": "samples", "elev": "elevation", "azim": "azimuth", "draw": "Draw",
           "n_per_class": "per class", "bandwidth": "bandwidth", "truth": "true densities",
           "mu": "μ", "sigma1": "σ₁", "sigma2": "σ₂", "seed": "seed"},
    "ru": {"table": "Компоненты, по одной в строке: вес, mean x, mean y, var x, cov xy, var y",
           "n_samples": "сэмплов", "elev": "наклон", "azim": "азимут", "draw": "Построить",
           "n_per_class": "на класс", "bandwidth": "ширина ядра", "truth": "истинные плотности",
           "mu": "μ", "sigma1": "σ₁", "sigma2": "σ₂", "seed": "сид"},
}

DEFAULT_TEXT = "0.5, -1.5, -1.0, 0.6, 0.2, 0.8\n0.5, 1.5, 1.2, 1.12, -0.25, 1.15"


def parse_table(text: str):
    rows = [line for line in text.strip().splitlines() if line.strip()]
    out = []
    for line in rows:
        try:
            out.append([float(v) for v in line.replace(";", ",").split(",")])
        except ValueError:
            raise InputError("mixture table", "not_array") from None
    return out


def probability(lang: str = "en"):
    """An ipywidgets VBox with the three figures of the lecture's first section."""
    import ipywidgets as w
    import numpy as np

    from genlab.app.tabs.probability import _fig_text, draw_kde, draw_moments, mixture_from_table
    from genlab.prob import mixture_sample
    from genlab.viz import figure_png as png_bytes
    from genlab.viz.prob import mixture_surface

    tr = Translator(STRINGS, lang)
    table = w.Textarea(DEFAULT_TEXT, description="", layout=w.Layout(width="460px", height="80px"))
    n_samples = w.IntSlider(200, min=0, max=3000, step=50, description=tr("n_samples"))
    elev = w.IntSlider(28, min=0, max=90, description=tr("elev"), continuous_update=False)
    azim = w.IntSlider(-55, min=-180, max=180, description=tr("azim"), continuous_update=False)
    seed = w.IntText(42, description=tr("seed"))
    draw = w.Button(description=tr("draw"), button_style="primary")
    surface = w.Image(format="png", layout=w.Layout(width="640px"))
    error = w.HTML()

    n_per_class = w.IntSlider(1200, min=10, max=20000, step=10, description=tr("n_per_class"),
                              continuous_update=False)
    rule = w.Dropdown(options=["silverman", "scott"], value="silverman", description=tr("bandwidth"))
    truth = w.Checkbox(True, description=tr("truth"))
    kde_img = w.Image(format="png", layout=w.Layout(width="640px"))

    mu = w.FloatText(0.0, description=tr("mu"))
    sigma1 = w.BoundedFloatText(1.0, min=0.01, max=100, description=tr("sigma1"))
    sigma2 = w.BoundedFloatText(2.0, min=0.01, max=100, description=tr("sigma2"))
    mom_img = w.Image(format="png", layout=w.Layout(width="640px"))

    def show_error(err):
        error.value = f"<b style='color:#c00'>{Translator(None, lang).error(err)}</b>"

    def draw_surface(*_):
        try:
            params = mixture_from_table(parse_table(table.value), lang)
            x, _ = mixture_sample(n_samples.value, params, seed=seed.value)
            reach = float(np.ceil(np.abs(params.means).max() + 3.5 * np.sqrt(
                params.covariances[:, [0, 1], [0, 1]].max())))
            fig = mixture_surface(params, x, xlim=(-reach, reach), ylim=(-reach, reach), n=120,
                                  text=_fig_text(lang))
            fig.axes[0].view_init(elev=elev.value, azim=azim.value)
            surface.value = png_bytes(fig)
            error.value = ""
        except InputError as err:
            show_error(err)

    def draw_kde_img(*_):
        try:
            kde_img.value = png_bytes(draw_kde(n_per_class.value, seed.value, rule.value, truth.value, lang))
            error.value = ""
        except InputError as err:
            show_error(err)

    def draw_mom(*_):
        try:
            mom_img.value = png_bytes(draw_moments(mu.value, sigma1.value, sigma2.value, 0, 0, lang)[0])
            error.value = ""
        except InputError as err:
            show_error(err)

    draw.on_click(draw_surface)
    for control in (elev, azim):
        control.observe(draw_surface, names="value")
    for control in (n_per_class, rule, truth):
        control.observe(draw_kde_img, names="value")
    for control in (mu, sigma1, sigma2):
        control.observe(draw_mom, names="value")
    draw_surface()
    draw_kde_img()
    draw_mom()
    return w.VBox([
        w.HTML(f"<b>{tr('table')}</b>"), table,
        w.HBox([n_samples, seed, draw]), w.HBox([elev, azim]), error, surface,
        w.HBox([n_per_class, rule, truth]), kde_img,
        w.HBox([mu, sigma1, sigma2]), mom_img,
    ])
