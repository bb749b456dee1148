"""The Discriminative vs generative tab (lecture section 2): logistic regression by gradient
descent and a 2-component Gaussian mixture by EM on the same two clouds, an iteration slider for
each (moving it redraws from the stored fit, it never refits), samples from the mixture at each
iteration, the Bayes boundary it implies, and MLE = min KL.

Per-user state: the fitted paths live in ``gr.State``. The math is in genlab.classic.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from genlab.errors import check_choice, check_int, check_number, check_seed
from genlab.i18n import Translator

TITLE = {"en": "Discriminative vs generative", "ru": "Дискриминативный vs генеративный"}

STRINGS = {
    "en": {
        "about": "**Discriminative vs generative.** Logistic regression learns p(y | x) directly "
                 "(gradient descent on the cross-entropy); a Gaussian mixture learns p(x) by EM "
                 "(maximum likelihood) and can *sample* new points; Bayes' rule p(y | x) = "
                 "p(x | y) p(y) / p(x) turns it into a classifier too (dashed boundary). "
                 "**Recompute** draws new data (seed + 1) and fits both; the iteration sliders "
                 "replay the stored fits without refitting.",
        "data_h": "Dataset: two clouds", "n1": "Points in class 1", "n2": "Points in class 2",
        "separation": "Separation", "cov_scale": "Covariance scale", "rotate": "Rotation (degrees)",
        "lr_h": "Logistic regression (gradient descent)", "lr_mode": "Step-size schedule",
        "lr": "Learning rate (constant schedule)", "lr_iters": "GD iterations", "l2": "L2 penalty",
        "intercept": "Fit intercept", "warmup_power": "Warm-up power (warmup: step = lr_max (t/T)^power, "
                     "lr_max = 0.9 / Lipschitz bound)",
        "em_h": "Gaussian mixture (EM)", "init": "EM initialisation", "damping": "Damping a in (0, 1]",
        "em_iters": "EM iterations", "early_stop": "Early stop", "reg_covar": "reg_covar",
        "recompute": "Recompute (new data)", "refit": "Refit (same data)",
        "t_lr": "Logistic regression iteration", "t_em": "EM iteration",
        "n_samples": "Samples drawn from the mixture", "show_bayes": "Show the Bayes boundary",
        "plot": "Both paradigms", "status": "seed {seed} · logistic regression: lr_max = {lr_max}, "
        "final loss {loss:.4f}, accuracy {acc_lr:.1%} · EM: {em_iter} iterations{conv}, final mean "
        "log-likelihood {ll:.4f}, Bayes-rule accuracy {acc_gm:.1%}",
        "converged": " (stopped early)",
        "mle_h": "MLE = min KL: E[-log p_θ] = H(p*) + KL(p* || p_θ)",
        "mle_about": "Data are drawn from a known mixture p* (the Probability tab's bimodal "
                     "mixture); EM fits p_θ. The average NLL falls towards the entropy H(p*), and "
                     "the remaining gap is KL(p* || p_θ).",
        "mle_n": "Training points n", "mle_k": "Components K", "mle_iters": "EM iterations",
        "mle_run": "Run", "mle_plot": "Average NLL per EM iteration",
        "mle_md": "H(p*) = {h:.4f} ± {se:.4f} nats (Monte Carlo); final cross-entropy {ce:.4f}; "
                  "KL(p* || p_θ) ≈ {kl:.4f} nats.",
        "lr_title": "Discriminative: logistic regression, iteration {t}",
        "gmm_title": "Generative: 2-GMM by EM, iteration {t}",
        "class1": "X1 (y=0)", "class2": "X2 (y=1)", "lr_boundary": "p(y|x) = 1/2",
        "bayes": "Bayes boundary of the mixture", "samples": "samples from θ_t",
        "loss": "loss (cross-entropy)", "loglik": "mean log-likelihood", "iteration": "iteration",
        "mle_title": "MLE = min KL: E[-log p_θ] = H(p*) + KL(p* || p_θ)",
        "train_nll": "average NLL on the training data",
        "cross_entropy": "cross-entropy E_p*[-log p_θ] (Monte Carlo)",
        "entropy": "entropy H(p*) (Monte Carlo)", "kl": "gap = KL(p* || p_θ)",
    },
    "ru": {
        "about": "**Дискриминативный vs генеративный подход.** Логистическая регрессия учит "
                 "p(y | x) напрямую (градиентный спуск по кросс-энтропии); гауссова смесь учит "
                 "p(x) по EM (максимум правдоподобия) и умеет *порождать* новые точки; формула "
                 "Байеса p(y | x) = p(x | y) p(y) / p(x) делает из неё и классификатор "
                 "(пунктирная граница). **Пересчитать** берёт новые данные (сид + 1) и обучает "
                 "обе модели; ползунки итераций проигрывают сохранённое обучение без переобучения.",
        "data_h": "Данные: два облака", "n1": "Точек в классе 1", "n2": "Точек в классе 2",
        "separation": "Расстояние между центрами", "cov_scale": "Масштаб ковариации",
        "rotate": "Поворот (градусы)",
        "lr_h": "Логистическая регрессия (градиентный спуск)", "lr_mode": "Расписание шага",
        "lr": "Шаг обучения (постоянное расписание)", "lr_iters": "Итераций GD", "l2": "L2-штраф",
        "intercept": "Свободный член", "warmup_power": "Степень разогрева (warmup: шаг = lr_max "
                     "(t/T)^степень, lr_max = 0,9 / оценка Липшица)",
        "em_h": "Гауссова смесь (EM)", "init": "Инициализация EM", "damping": "Затухание a в (0, 1]",
        "em_iters": "Итераций EM", "early_stop": "Ранняя остановка", "reg_covar": "reg_covar",
        "recompute": "Пересчитать (новые данные)", "refit": "Переобучить (те же данные)",
        "t_lr": "Итерация логистической регрессии", "t_em": "Итерация EM",
        "n_samples": "Сэмплов из смеси", "show_bayes": "Показать байесовскую границу",
        "plot": "Обе парадигмы", "status": "сид {seed} · логистическая регрессия: lr_max = {lr_max}, "
        "итоговый лосс {loss:.4f}, точность {acc_lr:.1%} · EM: {em_iter} итераций{conv}, итоговое "
        "среднее лог-правдоподобие {ll:.4f}, точность по Байесу {acc_gm:.1%}",
        "converged": " (ранняя остановка)",
        "mle_h": "MLE = min KL: E[-log p_θ] = H(p*) + KL(p* || p_θ)",
        "mle_about": "Данные берутся из известной смеси p* (бимодальной смеси со вкладки "
                     "«Вероятность»); EM обучает p_θ. Средний NLL падает к энтропии H(p*), а "
                     "оставшийся зазор — это KL(p* || p_θ).",
        "mle_n": "Обучающих точек n", "mle_k": "Компонент K", "mle_iters": "Итераций EM",
        "mle_run": "Запустить", "mle_plot": "Средний NLL по итерациям EM",
        "mle_md": "H(p*) = {h:.4f} ± {se:.4f} нат (Монте-Карло); итоговая кросс-энтропия {ce:.4f}; "
                  "KL(p* || p_θ) ≈ {kl:.4f} нат.",
        "lr_title": "Дискриминативная: логистическая регрессия, итерация {t}",
        "gmm_title": "Генеративная: смесь 2 гауссиан по EM, итерация {t}",
        "class1": "X1 (y=0)", "class2": "X2 (y=1)", "lr_boundary": "p(y|x) = 1/2",
        "bayes": "байесовская граница смеси", "samples": "сэмплы из θ_t",
        "loss": "лосс (кросс-энтропия)", "loglik": "среднее лог-правдоподобие",
        "iteration": "итерация",
        "mle_title": "MLE = min KL: E[-log p_θ] = H(p*) + KL(p* || p_θ)",
        "train_nll": "средний NLL на обучающих данных",
        "cross_entropy": "кросс-энтропия E_p*[-log p_θ] (Монте-Карло)",
        "entropy": "энтропия H(p*) (Монте-Карло)", "kl": "зазор = KL(p* || p_θ)",
    },
}

FIG_KEYS = ("lr_title", "gmm_title", "class1", "class2", "lr_boundary", "bayes", "samples", "loss",
            "loglik", "iteration", "mle_title", "train_nll", "cross_entropy", "entropy", "kl")

# The lecture's widget defaults.
DATASET_DEFAULTS = dict(n1=100, n2=100, separation=2.6, cov_scale=0.9, rotate_deg=20.0, seed=0)
LOGREG_DEFAULTS = dict(lr_mode="warmup", lr=0.1, n_iters=20, l2=1e-2, fit_intercept=True,
                       warmup_power=3.0)
EM_DEFAULTS = dict(init="pca_split", n_iters=100, damping=0.2, early_stop=False, reg_covar=1e-6)


@dataclass(frozen=True)
class Fit:
    """One user's fitted models (kept in gr.State; sliders only read it)."""

    x1: np.ndarray
    x2: np.ndarray
    path: object      # LogRegPath
    history: object   # EMHistory
    seed: int


def _fig_text(lang: str) -> dict:
    tr = Translator(STRINGS, lang)
    return {k: tr(k) for k in FIG_KEYS}


def fit_both(seed, n1, n2, separation, cov_scale, rotate_deg, lr_mode, lr, lr_iters, l2,
             fit_intercept, warmup_power, init, em_iters, damping, early_stop, reg_covar) -> Fit:
    """Make the two clouds and fit both models (the lecture's ``recompute``)."""
    from genlab.classic import create_dataset, gmm2_em_history, logistic_regression_gd_path
    from genlab.classic.em import INITS
    from genlab.classic.logreg import LR_MODES

    seed = check_seed("seed", seed, allow_random=False)
    check_choice("schedule", lr_mode, LR_MODES)
    check_choice("EM init", init, INITS)
    x1, x2 = create_dataset(n1, n2, separation=separation, cov_scale=cov_scale,
                            rotate_deg=rotate_deg, seed=seed)
    path = logistic_regression_gd_path(
        x1, x2, lr=check_number("learning rate", lr, 0, 100, lo_open=True),
        n_iters=check_int("GD iterations", lr_iters, 1, 5000), l2=check_number("L2", l2, 0, 100),
        fit_intercept=bool(fit_intercept), seed=seed, lr_mode=lr_mode,
        warmup_power=check_number("warm-up power", warmup_power, 0, 10))
    history = gmm2_em_history(
        x1, x2, n_iters=check_int("EM iterations", em_iters, 1, 2000), seed=seed, init=init,
        damping=check_number("damping", damping, 0, 1, lo_open=True), early_stop=bool(early_stop),
        reg_covar=check_number("reg_covar", reg_covar, 0, 10))
    return Fit(x1, x2, path, history, seed)


def status_text(fit: Fit, lang: str = "en") -> str:
    from genlab.classic import match_components_to_classes, mixture_class_posterior, stack_labelled

    x, y = stack_labelled(fit.x1, fit.x2)
    acc_lr = float(np.mean((fit.path.predict_proba(x) > 0.5) == y))
    params = fit.history.params(-1)
    order = match_components_to_classes(params.means, np.stack([fit.x1.mean(0), fit.x2.mean(0)]))
    acc_gm = float(np.mean((mixture_class_posterior(x, params, order) > 0.5) == y))
    tr = Translator(STRINGS, lang)
    lr_max = "—" if fit.path.lr_max is None else f"{fit.path.lr_max:.3f}"
    return tr("status", seed=fit.seed, lr_max=lr_max, loss=float(fit.path.loss[-1]), acc_lr=acc_lr,
              em_iter=fit.history.n_iter, conv=tr("converged") if fit.history.converged else "",
              ll=float(fit.history.mean_log_likelihood[-1]), acc_gm=acc_gm)


def redraw(fit: Fit | None, t_lr, t_em, n_samples, show_bayes, lang: str = "en"):
    """The figure at iterations (t_lr, t_em) from the stored fit: no refitting.

    Returns gradio's PlotData holding the plotly JSON of ``genlab.viz.classic.two_paradigms_spec``
    (serialised directly, without building a validated plotly Figure: fast slider moves).
    """
    from gradio.components.plot import PlotData
    from plotly.io.json import to_json_plotly

    from genlab.viz.classic import two_paradigms_spec

    if fit is None:
        return None
    spec = two_paradigms_spec(fit.x1, fit.x2, fit.path, fit.history,
                              check_int("LR iteration", t_lr, 0), check_int("EM iteration", t_em, 0),
                              n_samples=check_int("samples", n_samples, 0, 5000),
                              sample_seed=fit.seed, show_bayes=bool(show_bayes),
                              text=_fig_text(lang))
    return PlotData(type="plotly", plot=to_json_plotly(spec))


def recompute(new_data: bool, seed, *args, lang: str = "en"):
    """Button handler: seed + 1 when ``new_data`` (the lecture's Recompute), then fit both.

    Returns (seed, fit, LR slider update, EM slider update, status markdown).
    """
    import gradio as gr

    from genlab.seeding import resolve_seed

    seed = resolve_seed(check_seed("seed", seed)) + (1 if new_data else 0)
    fit = fit_both(seed, *args)
    t_lr_max, t_em_max = fit.path.n_iters, fit.history.n_iter
    return (seed, fit, gr.Slider(maximum=t_lr_max, value=t_lr_max),
            gr.Slider(maximum=t_em_max, value=t_em_max), status_text(fit, lang))


def run_mle_kl(n, k, init, n_iter, damping, seed, lang: str = "en"):
    """-> (matplotlib figure of NLL vs H(p*), markdown summary)."""
    from genlab.classic import mle_kl_curve
    from genlab.classic.em import INITS
    from genlab.prob import LECTURE_MIXTURE
    from genlab.viz.classic import mle_kl

    check_choice("EM init", init, INITS)
    curve = mle_kl_curve(LECTURE_MIXTURE, n=check_int("n", n, 10, 100_000),
                         n_components=check_int("K", k, 1, 8), init=init,
                         n_iter=check_int("EM iterations", n_iter, 1, 500),
                         damping=check_number("damping", damping, 0, 1, lo_open=True),
                         seed=check_seed("seed", seed, allow_random=False), n_mc=20_000)
    tr = Translator(STRINGS, lang)
    md = tr("mle_md", h=curve.entropy, se=curve.entropy_se, ce=float(curve.cross_entropy[-1]),
            kl=float(curve.kl[-1]))
    return mle_kl(curve, text=_fig_text(lang)), md


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.app.serving import HEAVY
    from genlab.classic.em import INITS
    from genlab.classic.logreg import LR_MODES

    tr = Translator(STRINGS, lang)
    guard = user_errors(lang)
    d, lrd, emd = DATASET_DEFAULTS, LOGREG_DEFAULTS, EM_DEFAULTS
    gr.Markdown(tr("about"))
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            with gr.Accordion(tr("data_h"), open=True):
                n1 = gr.Slider(2, 2000, value=d["n1"], step=1, label=tr("n1"), elem_id="disc-n1")
                n2 = gr.Slider(2, 2000, value=d["n2"], step=1, label=tr("n2"))
                separation = gr.Slider(0, 8, value=d["separation"], step=0.1, label=tr("separation"))
                cov_scale = gr.Slider(0.05, 4, value=d["cov_scale"], step=0.05, label=tr("cov_scale"))
                rotate = gr.Slider(-90, 90, value=d["rotate_deg"], step=1, label=tr("rotate"))
                seed = gr.Number(d["seed"], label=tr("seed"), precision=0, elem_id="disc-seed")
            with gr.Accordion(tr("lr_h"), open=False):
                lr_mode = gr.Radio(list(LR_MODES), value=lrd["lr_mode"], label=tr("lr_mode"))
                lr = gr.Number(lrd["lr"], label=tr("lr"))
                lr_iters = gr.Slider(1, 1000, value=lrd["n_iters"], step=1, label=tr("lr_iters"))
                l2 = gr.Number(lrd["l2"], label=tr("l2"))
                intercept = gr.Checkbox(lrd["fit_intercept"], label=tr("intercept"))
                warmup_power = gr.Slider(0, 6, value=lrd["warmup_power"], step=0.5,
                                         label=tr("warmup_power"))
            with gr.Accordion(tr("em_h"), open=False):
                init = gr.Dropdown(list(INITS), value=emd["init"], label=tr("init"))
                damping = gr.Slider(0.01, 1.0, value=emd["damping"], step=0.01, label=tr("damping"))
                em_iters = gr.Slider(1, 500, value=emd["n_iters"], step=1, label=tr("em_iters"))
                early_stop = gr.Checkbox(emd["early_stop"], label=tr("early_stop"))
                reg_covar = gr.Number(emd["reg_covar"], label=tr("reg_covar"))
            with gr.Row():
                recompute_btn = gr.Button(tr("recompute"), variant="primary", elem_id="disc-recompute")
                refit_btn = gr.Button(tr("refit"), variant="secondary")
        with gr.Column(scale=3):
            first = fit_both(d["seed"], d["n1"], d["n2"], d["separation"], d["cov_scale"],
                             d["rotate_deg"], lrd["lr_mode"], lrd["lr"], lrd["n_iters"], lrd["l2"],
                             lrd["fit_intercept"], lrd["warmup_power"], emd["init"],
                             emd["n_iters"], emd["damping"], emd["early_stop"], emd["reg_covar"])
            state = gr.State(first)
            with gr.Row():
                t_lr = gr.Slider(0, first.path.n_iters, value=first.path.n_iters, step=1,
                                 label=tr("t_lr"), elem_id="disc-t-lr")
                t_em = gr.Slider(0, first.history.n_iter, value=first.history.n_iter, step=1,
                                 label=tr("t_em"), elem_id="disc-t-em")
            with gr.Row():
                n_samples = gr.Slider(0, 2000, value=250, step=10, label=tr("n_samples"))
                show_bayes = gr.Checkbox(True, label=tr("show_bayes"))
            status = gr.Markdown(status_text(first, lang), elem_id="disc-status")
            plot = gr.Plot(redraw(first, first.path.n_iters, first.history.n_iter, 250, True, lang),
                           label=tr("plot"), elem_id="disc-plot")

    fit_inputs = [n1, n2, separation, cov_scale, rotate, lr_mode, lr, lr_iters, l2, intercept,
                  warmup_power, init, em_iters, damping, early_stop, reg_covar]
    fit_outputs = [seed, state, t_lr, t_em, status]
    draw_inputs = [state, t_lr, t_em, n_samples, show_bayes]
    draw_fn = guard(functools.partial(redraw, lang=lang))
    for button, name, new_data in ((recompute_btn, "recompute", True), (refit_btn, "refit", False)):
        fn = guard(functools.partial(recompute, new_data, lang=lang))
        button.click(fn, [seed] + fit_inputs, fit_outputs, api_name=f"discriminative_{name}"
                     ).success(draw_fn, draw_inputs, plot, api_name=f"discriminative_{name}_redraw")
    gr.on([comp.change for comp in (t_lr, t_em, n_samples, show_bayes)], draw_fn, draw_inputs, plot,
          trigger_mode="always_last", show_progress="hidden", api_name="discriminative_redraw")

    with gr.Accordion(tr("mle_h"), open=False):
        gr.Markdown(tr("mle_about"))
        with gr.Row():
            mle_n = gr.Slider(20, 20_000, value=1000, step=10, label=tr("mle_n"))
            mle_k = gr.Slider(1, 6, value=2, step=1, label=tr("mle_k"))
            mle_init = gr.Dropdown(list(INITS[1:]), value="collapsed", label=tr("init"))
            mle_iters = gr.Slider(1, 300, value=60, step=1, label=tr("mle_iters"))
            mle_damping = gr.Slider(0.01, 1.0, value=0.5, step=0.01, label=tr("damping"))
            mle_seed = gr.Number(0, label=tr("seed"), precision=0)
        mle_btn = gr.Button(tr("mle_run"), elem_id="disc-mle-run")
        mle_plot = gr.Plot(label=tr("mle_plot"))
        mle_md = gr.Markdown()
        mle_btn.click(guard(functools.partial(run_mle_kl, lang=lang)),
                      [mle_n, mle_k, mle_init, mle_iters, mle_damping, mle_seed], [mle_plot, mle_md],
                      api_name="discriminative_mle_kl", **HEAVY)
