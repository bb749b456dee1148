"""The Discriminative vs generative tab (lecture section 2): logistic regression by gradient
descent and a 2-component Gaussian mixture by EM on the same two clouds, an iteration slider for
each (moving it redraws from the stored fit, it never refits), samples from the mixture at each
iteration, the Bayes boundary it implies, and MLE = min KL.

Controls come from the requests' declarations (``genlab.classic.pipeline``), handlers from
``genlab.sections.discriminative``; the user's fit lives in ``gr.State``. Every event has a
stable API name (``/discriminative_recompute``, ...).
"""

from __future__ import annotations

import functools

from genlab.classic.pipeline import MleKlRequest, TwoParadigmsRequest
from genlab.i18n import Translator
from genlab.sections import discriminative as handlers

TITLE = {"en": "Discriminative vs generative", "ru": "Дискриминативный и генеративный"}

DATA = ("n1", "n2", "separation", "cov_scale", "rotate_deg", "seed")
LOGREG = ("lr_mode", "lr", "lr_iters", "l2", "fit_intercept", "warmup_power")
EM = ("init", "em_iters", "damping", "early_stop", "tol", "reg_covar", "fit_seed")
SHOWN = ("t_lr", "t_em", "n_samples", "show_bayes")  # replayed from the stored fit


def plot_data(result):
    """The figure of ``result`` (a stored fit) for gr.Plot."""
    from genlab.app.common import plot_data as spec_data

    return None if result is None else spec_data(result.spec())


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.app.controls import controls, validator
    from genlab.app.serving import HEAVY

    tr = Translator("discriminative", lang)
    safe = user_errors(lang)
    gr.Markdown(tr("about"))
    first, first_status = handlers.fit(False, lang=lang)  # the lecture's first picture
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            c = {}
            for title, names, is_open in ((tr("data_h"), DATA, True), (tr("lr_h"), LOGREG, False),
                                          (tr("em_h"), EM, False)):
                with gr.Accordion(title, open=is_open):
                    c.update(controls(TwoParadigmsRequest, lang, names))
            with gr.Row():
                recompute = gr.Button(tr("recompute"), variant="primary", elem_id="discriminative-recompute")
                refit = gr.Button(tr("refit"), variant="secondary", elem_id="discriminative-refit")
        with gr.Column(scale=3):
            state = gr.State(first)
            with gr.Row():
                c.update(controls(TwoParadigmsRequest, lang, ["t_lr", "t_em"]))
            with gr.Row():
                c.update(controls(TwoParadigmsRequest, lang, ["n_samples", "show_bayes"]))
            status = gr.Markdown(first_status, elem_id="discriminative-status")
            plot = gr.Plot(plot_data(first), show_label=False, elem_id="discriminative-plot")
            notebook = gr.DownloadButton(tr("open_notebook"), value=handlers.notebook(first, lang), size="sm",
                                         elem_id="discriminative-notebook")
    c["t_lr"].maximum, c["t_em"].maximum = first.path.n_iters, first.history.n_iter  # sliders end where the fit does

    def on_fit(new_data, *values):
        result, text = handlers.fit(new_data, *values, lang=lang)
        r = result.request
        return (r.seed, result, gr.update(maximum=result.path.n_iters, value=r.t_lr),
                gr.update(maximum=result.history.n_iter, value=r.t_em), text, plot_data(result),
                handlers.notebook(result, lang))

    def on_replay(result, *shown):
        return plot_data(handlers.replay(result, *shown, lang=lang))

    def on_notebook(result, *shown):
        return handlers.notebook(handlers.replay(result, *shown, lang=lang), lang)

    fit_names = TwoParadigmsRequest.control_names()
    fit_inputs = [c[name] for name in fit_names]
    fit_outputs = [c["seed"], state, c["t_lr"], c["t_em"], status, plot, notebook]
    for button, name, new_data in ((recompute, "recompute", True), (refit, "refit", False)):
        button.click(safe(functools.partial(on_fit, new_data)), fit_inputs, fit_outputs,
                     api_name=f"discriminative_{name}", validator=validator(TwoParadigmsRequest, fit_names, lang))
    shown = [state] + [c[name] for name in SHOWN]
    replayed = gr.on([c[name].change for name in SHOWN], safe(on_replay), shown, plot, trigger_mode="always_last",
                     show_progress="hidden", api_name="discriminative_redraw")
    replayed.then(safe(on_notebook), shown, notebook, show_progress="hidden", api_name="discriminative_notebook")

    with gr.Accordion(tr("mle_h"), open=False):
        gr.Markdown(tr("mle_about"))
        with gr.Row():
            k = controls(MleKlRequest, lang, ["n_points", "n_components", "em_iters"], elem_prefix="mle-")
        with gr.Row():
            k.update(controls(MleKlRequest, lang, ["init", "damping", "seed"], elem_prefix="mle-"))
        run = gr.Button(tr("mle_run"), elem_id="discriminative-mle-run")
        mle_plot = gr.Plot(show_label=False, elem_id="discriminative-mle-plot")
        mle_text = gr.Markdown(elem_id="discriminative-mle-text")
        mle_notebook = gr.DownloadButton(tr("open_notebook"), value=None, size="sm",
                                         elem_id="discriminative-mle-notebook")
        run.click(safe(functools.partial(handlers.run_mle_kl, lang=lang)), [k[name] for name in MleKlRequest.control_names()],
                  [mle_plot, mle_text, mle_notebook], api_name="discriminative_mle_kl",
                  validator=validator(MleKlRequest, MleKlRequest.control_names(), lang), **HEAVY)
