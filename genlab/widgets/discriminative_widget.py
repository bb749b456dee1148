"""Jupyter widget for lecture section 2: ``genlab.widgets.discriminative()``, the lecture's
``build_discriminative_vs_generative_widget`` with every control exposed: Recompute (new data),
an iteration slider per model (redraw only, no refit), dataset and training controls."""

from __future__ import annotations

from genlab.errors import InputError
from genlab.i18n import Translator

STRINGS = {
    "en": {"recompute": "Recompute", "refit": "Refit", "t_lr": "iter LR", "t_em": "iter EM",
           "n1": "n1", "n2": "n2", "separation": "separation", "cov_scale": "cov scale",
           "rotate": "rotation°", "seed": "seed", "lr_mode": "schedule", "lr": "lr",
           "lr_iters": "GD iters", "l2": "L2", "intercept": "intercept", "warmup_power": "warm-up power",
           "init": "EM init", "damping": "damping", "em_iters": "EM iters", "early_stop": "early stop",
           "n_samples": "samples", "bayes": "Bayes boundary"},
    "ru": {"recompute": "Пересчитать", "refit": "Переобучить", "t_lr": "итер. LR", "t_em": "итер. EM",
           "n1": "n1", "n2": "n2", "separation": "расстояние", "cov_scale": "масштаб ков.",
           "rotate": "поворот°", "seed": "сид", "lr_mode": "расписание", "lr": "шаг",
           "lr_iters": "итер. GD", "l2": "L2", "intercept": "свободный член",
           "warmup_power": "степень разогрева", "init": "иниц. EM", "damping": "затухание",
           "em_iters": "итер. EM", "early_stop": "ранняя остановка", "n_samples": "сэмплов",
           "bayes": "граница Байеса"},
}


def discriminative(lang: str = "en"):
    """An ipywidgets VBox: controls, two iteration sliders and the two-paradigm figure."""
    import ipywidgets as w

    from genlab.app.tabs.discriminative import (DATASET_DEFAULTS, EM_DEFAULTS, LOGREG_DEFAULTS,
                                                _fig_text, fit_both, status_text)
    from genlab.classic.em import INITS
    from genlab.classic.logreg import LR_MODES
    from genlab.viz.classic import two_paradigms
    from genlab.viz import figure_png as png_bytes

    tr = Translator(STRINGS, lang)
    d, lrd, emd = DATASET_DEFAULTS, LOGREG_DEFAULTS, EM_DEFAULTS
    slider = dict(continuous_update=False)
    n1 = w.IntSlider(d["n1"], min=2, max=2000, description=tr("n1"), **slider)
    n2 = w.IntSlider(d["n2"], min=2, max=2000, description=tr("n2"), **slider)
    separation = w.FloatSlider(d["separation"], min=0, max=8, step=0.1, description=tr("separation"), **slider)
    cov_scale = w.FloatSlider(d["cov_scale"], min=0.05, max=4, step=0.05, description=tr("cov_scale"), **slider)
    rotate = w.FloatSlider(d["rotate_deg"], min=-90, max=90, step=1, description=tr("rotate"), **slider)
    seed = w.IntText(d["seed"], description=tr("seed"))
    lr_mode = w.Dropdown(options=list(LR_MODES), value=lrd["lr_mode"], description=tr("lr_mode"))
    lr = w.FloatText(lrd["lr"], description=tr("lr"))
    lr_iters = w.IntSlider(lrd["n_iters"], min=1, max=1000, description=tr("lr_iters"), **slider)
    l2 = w.FloatText(lrd["l2"], description=tr("l2"))
    intercept = w.Checkbox(lrd["fit_intercept"], description=tr("intercept"))
    warmup_power = w.FloatSlider(lrd["warmup_power"], min=0, max=6, step=0.5,
                                 description=tr("warmup_power"), **slider)
    init = w.Dropdown(options=list(INITS), value=emd["init"], description=tr("init"))
    damping = w.FloatSlider(emd["damping"], min=0.01, max=1.0, step=0.01, description=tr("damping"), **slider)
    em_iters = w.IntSlider(emd["n_iters"], min=1, max=500, description=tr("em_iters"), **slider)
    early_stop = w.Checkbox(emd["early_stop"], description=tr("early_stop"))
    n_samples = w.IntSlider(250, min=0, max=2000, step=10, description=tr("n_samples"), **slider)
    bayes = w.Checkbox(True, description=tr("bayes"))
    recompute_btn = w.Button(description=tr("recompute"), button_style="primary", icon="refresh")
    refit_btn = w.Button(description=tr("refit"))
    t_lr = w.IntSlider(0, min=0, max=1, description=tr("t_lr"), **slider)
    t_em = w.IntSlider(0, min=0, max=1, description=tr("t_em"), **slider)
    image = w.Image(format="png", layout=w.Layout(width="900px"))
    status = w.HTML()
    state = {"fit": None}  # this widget's own state (one per call)

    def refit(new_data: bool):
        try:
            if new_data:
                seed.value = seed.value + 1
            fit = fit_both(seed.value, n1.value, n2.value, separation.value, cov_scale.value,
                           rotate.value, lr_mode.value, lr.value, lr_iters.value, l2.value,
                           intercept.value, warmup_power.value, init.value, em_iters.value,
                           damping.value, early_stop.value, emd["reg_covar"])
        except InputError as err:
            status.value = f"<b style='color:#c00'>{Translator(None, lang).error(err)}</b>"
            return
        state["fit"] = None  # sliders below must not draw half-updated state
        t_lr.max, t_em.max = fit.path.n_iters, fit.history.n_iter
        t_lr.value, t_em.value = fit.path.n_iters, fit.history.n_iter
        state["fit"] = fit
        status.value = status_text(fit, lang)
        draw()

    def draw(*_):
        fit = state["fit"]
        if fit is None:
            return
        fig = two_paradigms(fit.x1, fit.x2, fit.path, fit.history, t_lr.value, t_em.value,
                            n_samples=n_samples.value, sample_seed=fit.seed, show_bayes=bayes.value,
                            text=_fig_text(lang))
        image.value = png_bytes(fig)

    recompute_btn.on_click(lambda _: refit(True))
    refit_btn.on_click(lambda _: refit(False))
    for control in (t_lr, t_em, n_samples, bayes):
        control.observe(draw, names="value")
    refit(True)
    return w.VBox([
        w.HBox([recompute_btn, refit_btn, t_lr, t_em]),
        w.HBox([w.VBox([n1, n2, separation, cov_scale, rotate, seed]),
                w.VBox([lr_mode, lr, lr_iters, l2, intercept, warmup_power]),
                w.VBox([init, damping, em_iters, early_stop, n_samples, bayes])]),
        status, image,
    ])
