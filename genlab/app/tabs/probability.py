"""The Probability tab (lecture section 1): a rotatable mixture density surface with editable
parameters and samples drawn from it; p(x | y) and p(x) as KDE curves; mean and +/- sigma.

Handlers are plain module-level functions (tested without the UI); the math is in genlab.prob.
"""

from __future__ import annotations

import functools

import numpy as np

from genlab.errors import InputError, check_choice, check_int, check_number, check_seed
from genlab.i18n import Translator

TITLE = {"en": "Probability", "ru": "Вероятность"}

TABLE_HEADERS = ["weight", "mean x", "mean y", "var x", "cov xy", "var y"]
DEFAULT_TABLE = [[0.5, -1.5, -1.0, 0.6, 0.2, 0.8], [0.5, 1.5, 1.2, 1.12, -0.25, 1.15]]

STRINGS = {
    "en": {
        "about": "**Probabilistic modelling.** A density p(x) says where the data's mass lives: "
                 "P(X in A) = ∫_A p(x) dx. Below: a two-component Gaussian mixture (the lecture's "
                 "bimodal example) as a surface you can turn, with points sampled from it; the "
                 "conditional densities p(x | y) and the marginal p(x) = Σ_y p(x | y) p(y) estimated "
                 "by KDE; and the moments: mean and standard deviation.",
        "surface_h": "### Density surface p(x, y) of a Gaussian mixture",
        "table": "Mixture components (one row each; edit, add or delete rows). Weights are "
                 "normalised to sum to 1; covariance [[var x, cov xy], [cov xy, var y]] must be "
                 "positive definite.",
        "n_samples": "Samples drawn from the mixture",
        "grid": "Grid resolution",
        "draw": "Draw",
        "surface": "Density surface (drag to rotate)",
        "moments_md": "| | exact (from the parameters) | empirical (from {n} samples) |\n|---|---|---|\n"
                      "| mean E[X] | {m_true} | {m_emp} |\n| covariance Cov[X] | {c_true} | {c_emp} |",
        "kde_h": "### Conditional p(x | y) and marginal p(x), estimated by KDE",
        "n_per_class": "Samples per class",
        "bandwidth": "Bandwidth rule",
        "show_truth": "Show the true densities",
        "kde_plot": "KDE curves",
        "mom_h": "### Moments: same mean, different variance",
        "mu": "Mean μ",
        "sigma1": "σ₁ (narrow)",
        "sigma2": "σ₂ (wide)",
        "mom_samples": "Samples per distribution for empirical estimates (0 = none)",
        "mom_plot": "Two normal densities",
        "mom_md": "Empirical: μ̂₁ = {m1}, σ̂₁ = {s1}; μ̂₂ = {m2}, σ̂₂ = {s2} (unbiased variance, ddof = 1).",
        "surface_title": "Gaussian mixture density",
        "density": "Density",
        "samples": "samples",
        "class1": "p(x | y = class 1)",
        "class2": "p(x | y = class 2)",
        "marginal": "p(x)",
        "true": "true",
        "mean_title": "Mean E[X] and spread via standard deviation σ = √Var(X)",
        "narrow": "μ ± σ₁ (narrow)",
        "wide": "μ ± σ₂ (wide)",
        "row": "row {i}",
    },
    "ru": {
        "about": "**Вероятностное моделирование.** Плотность p(x) показывает, где сосредоточена "
                 "масса данных: P(X ∈ A) = ∫_A p(x) dx. Ниже: смесь двух гауссиан (бимодальный "
                 "пример лекции) в виде поверхности, которую можно вращать, с сэмплами из неё; "
                 "условные плотности p(x | y) и маргинальная p(x) = Σ_y p(x | y) p(y), оценённые "
                 "KDE; и моменты: матожидание и стандартное отклонение.",
        "surface_h": "### Поверхность плотности p(x, y) гауссовой смеси",
        "table": "Компоненты смеси (по строке на компоненту; редактируйте, добавляйте, удаляйте). "
                 "Веса нормируются к сумме 1; ковариация [[var x, cov xy], [cov xy, var y]] должна "
                 "быть положительно определённой.",
        "n_samples": "Сэмплов из смеси",
        "grid": "Разрешение сетки",
        "draw": "Построить",
        "surface": "Поверхность плотности (вращайте мышью)",
        "moments_md": "| | точно (по параметрам) | эмпирически (по {n} сэмплам) |\n|---|---|---|\n"
                      "| матожидание E[X] | {m_true} | {m_emp} |\n| ковариация Cov[X] | {c_true} | {c_emp} |",
        "kde_h": "### Условная p(x | y) и маргинальная p(x), оценка KDE",
        "n_per_class": "Сэмплов на класс",
        "bandwidth": "Правило ширины ядра",
        "show_truth": "Показать истинные плотности",
        "kde_plot": "Кривые KDE",
        "mom_h": "### Моменты: одно матожидание, разная дисперсия",
        "mu": "Матожидание μ",
        "sigma1": "σ₁ (узкое)",
        "sigma2": "σ₂ (широкое)",
        "mom_samples": "Сэмплов на распределение для эмпирических оценок (0 = без них)",
        "mom_plot": "Две нормальные плотности",
        "mom_md": "Эмпирически: μ̂₁ = {m1}, σ̂₁ = {s1}; μ̂₂ = {m2}, σ̂₂ = {s2} (несмещённая дисперсия, ddof = 1).",
        "surface_title": "Плотность гауссовой смеси",
        "density": "Плотность",
        "samples": "сэмплы",
        "class1": "p(x | y = класс 1)",
        "class2": "p(x | y = класс 2)",
        "marginal": "p(x)",
        "true": "истинная",
        "mean_title": "Матожидание E[X] и разброс через σ = √Var(X)",
        "narrow": "μ ± σ₁ (узкое)",
        "wide": "μ ± σ₂ (широкое)",
        "row": "строка {i}",
    },
}

FIG_KEYS = ("surface_title", "density", "samples", "class1", "class2", "marginal", "true",
            "mean_title", "narrow", "wide")


def _fig_text(lang: str) -> dict:
    tr = Translator(STRINGS, lang)
    return {k: tr(k) for k in FIG_KEYS}


def mixture_from_table(table, lang: str = "en"):
    """Rows [weight, mean x, mean y, var x, cov xy, var y] -> MixtureParams (weights normalised)."""
    from genlab.prob import MixtureParams

    tr = Translator(STRINGS, lang)
    rows = np.asarray(getattr(table, "values", table), dtype=object)
    if rows.ndim != 2 or rows.shape[0] < 1 or rows.shape[1] != len(TABLE_HEADERS):
        raise InputError("mixture table", "bad_shape", expected=f"(K >= 1, {len(TABLE_HEADERS)})",
                         got=str(rows.shape))
    if rows.shape[0] > 10:
        raise InputError("mixture table", "out_of_range", value=f"{rows.shape[0]} rows", interval="[1, 10]")
    values = np.empty(rows.shape)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            values[i, j] = check_number(f"{TABLE_HEADERS[j]} ({tr('row', i=i + 1)})",
                                        None if v in ("", None) else v)
    w = values[:, 0]
    if np.any(w < 0) or w.sum() <= 0:
        raise InputError("weight", "custom", text_en="weights must be >= 0 with a positive sum",
                         text_ru="веса должны быть >= 0 с положительной суммой")
    covs = np.stack([[[r[3], r[4]], [r[4], r[5]]] for r in values])
    for i, c in enumerate(covs):
        if c[0, 0] <= 0 or c[1, 1] <= 0 or np.linalg.det(c) <= 1e-12:
            raise InputError(f"covariance ({tr('row', i=i + 1)})", "singular")
    return MixtureParams.checked(w / w.sum(), values[:, 1:3], covs)


def draw_surface(table, n_samples, grid_points, seed, lang: str = "en"):
    """-> (plotly figure of the surface with samples, markdown table of exact vs empirical moments)."""
    from genlab.prob import covariance, mean, mixture_covariance, mixture_mean, mixture_sample
    from genlab.viz.prob import mixture_surface_plotly

    params = mixture_from_table(table, lang)
    n_samples = check_int("n samples", n_samples, 0, 20_000)
    grid_points = check_int("grid resolution", grid_points, 20, 200)
    seed = check_seed("seed", seed)
    x, _ = mixture_sample(n_samples, params, seed=seed)
    reach = np.abs(params.means).max() + 3.5 * np.sqrt(params.covariances[:, [0, 1], [0, 1]].max())
    lim = (-float(np.ceil(reach)), float(np.ceil(reach)))
    fig = mixture_surface_plotly(params, x, xlim=lim, ylim=lim, n=grid_points, text=_fig_text(lang))

    def fmt(a):
        return np.array2string(np.asarray(a), precision=3, suppress_small=True).replace("\n", "")

    tr = Translator(STRINGS, lang)
    emp_m, emp_c = ("—", "—") if n_samples < 2 else (fmt(mean(x)), fmt(covariance(x)))
    md = tr("moments_md", n=n_samples, m_true=fmt(mixture_mean(params)),
            c_true=fmt(mixture_covariance(params)), m_emp=emp_m, c_emp=emp_c)
    return fig, md


def draw_kde(n_per_class, seed, bandwidth_rule, show_truth, lang: str = "en"):
    """-> matplotlib figure: KDE of p(x | y = 1), p(x | y = 2), p(x) (+ the true densities)."""
    from genlab.prob import ClassConditionalExample, conditional_kdes
    from genlab.prob.kde import BANDWIDTH_RULES
    from genlab.viz.prob import kde_curves

    n = check_int("samples per class", n_per_class, 10, 200_000)
    seed = check_seed("seed", seed)
    check_choice("bandwidth rule", bandwidth_rule, BANDWIDTH_RULES)
    example = ClassConditionalExample()
    x1, x2 = example.sample(n, seed=seed)
    kdes = conditional_kdes(x1, x2, bandwidth_rule=bandwidth_rule)
    truth = None
    if show_truth:
        g = kdes["grid"]
        truth = {"class1": example.conditional(g, 0), "class2": example.conditional(g, 1),
                 "marginal": example.marginal(g)}
    return kde_curves(kdes, truth=truth, text=_fig_text(lang))


def draw_moments(mu, sigma1, sigma2, n_samples, seed, lang: str = "en"):
    """-> (matplotlib figure of two normals with mu and mu +/- sigma, markdown of estimates)."""
    from genlab.prob import mean, std
    from genlab.seeding import numpy_rng
    from genlab.viz.prob import mean_sigma

    mu = check_number("mu", mu, -1e3, 1e3)
    sigma1 = check_number("sigma1", sigma1, 0, 1e3, lo_open=True)
    sigma2 = check_number("sigma2", sigma2, 0, 1e3, lo_open=True)
    n = check_int("samples", n_samples, 0, 1_000_000)
    samples, md = None, ""
    if n >= 2:
        rng = numpy_rng(check_seed("seed", seed))
        samples = (rng.normal(mu, sigma1, n), rng.normal(mu, sigma2, n))
        tr = Translator(STRINGS, lang)
        md = tr("mom_md", m1=f"{mean(samples[0]):.4f}", s1=f"{std(samples[0]):.4f}",
                m2=f"{mean(samples[1]):.4f}", s2=f"{std(samples[1]):.4f}")
    return mean_sigma(mu, sigma1, sigma2, samples=samples, text=_fig_text(lang)), md


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors

    tr = Translator(STRINGS, lang)
    guard = user_errors(lang)
    gr.Markdown(tr("about"))

    gr.Markdown(tr("surface_h"))
    with gr.Row():
        with gr.Column(scale=2):
            table = gr.Dataframe(value=DEFAULT_TABLE, headers=TABLE_HEADERS, datatype="number",
                                 row_count=2, interactive=True, label=tr("table"),
                                 elem_id="prob-table")
            with gr.Row():
                n_samples = gr.Slider(0, 5000, value=200, step=50, label=tr("n_samples"),
                                      elem_id="prob-n-samples")
                grid = gr.Slider(20, 200, value=90, step=10, label=tr("grid"))
                seed = gr.Number(42, label=tr("seed"), precision=0)
            draw_btn = gr.Button(tr("draw"), variant="primary", elem_id="prob-draw")
            moments = gr.Markdown()
        with gr.Column(scale=3):
            first_fig, first_md = draw_surface(DEFAULT_TABLE, 200, 90, 42, lang)
            surface = gr.Plot(first_fig, label=tr("surface"), elem_id="prob-surface")
    moments.value = first_md
    surface_fn = guard(functools.partial(draw_surface, lang=lang))
    draw_btn.click(surface_fn, [table, n_samples, grid, seed], [surface, moments],
                   api_name="probability_surface")

    gr.Markdown(tr("kde_h"))
    with gr.Row():
        with gr.Column(scale=1):
            n_per_class = gr.Slider(10, 20_000, value=1200, step=10, label=tr("n_per_class"))
            kde_seed = gr.Number(42, label=tr("seed"), precision=0)
            rule = gr.Radio(["silverman", "scott"], value="silverman", label=tr("bandwidth"))
            truth = gr.Checkbox(True, label=tr("show_truth"))
        with gr.Column(scale=3):
            kde_plot = gr.Plot(draw_kde(1200, 42, "silverman", True, lang), label=tr("kde_plot"))
    kde_fn = guard(functools.partial(draw_kde, lang=lang))
    kde_inputs = [n_per_class, kde_seed, rule, truth]
    gr.on([comp.change for comp in kde_inputs], kde_fn, kde_inputs, kde_plot,
          trigger_mode="always_last", api_name="probability_kde")

    gr.Markdown(tr("mom_h"))
    with gr.Row():
        with gr.Column(scale=1):
            mu = gr.Number(0.0, label=tr("mu"))
            sigma1 = gr.Number(1.0, label=tr("sigma1"))
            sigma2 = gr.Number(2.0, label=tr("sigma2"))
            mom_n = gr.Slider(0, 100_000, value=0, step=100, label=tr("mom_samples"))
            mom_seed = gr.Number(0, label=tr("seed"), precision=0)
        with gr.Column(scale=3):
            fig0, md0 = draw_moments(0.0, 1.0, 2.0, 0, 0, lang)
            mom_plot = gr.Plot(fig0, label=tr("mom_plot"))
            mom_md = gr.Markdown(md0)
    mom_fn = guard(functools.partial(draw_moments, lang=lang))
    mom_inputs = [mu, sigma1, sigma2, mom_n, mom_seed]
    gr.on([comp.change for comp in mom_inputs], mom_fn, mom_inputs, [mom_plot, mom_md],
          trigger_mode="always_last", api_name="probability_moments")
