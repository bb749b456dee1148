"""The Ethics tab: the lecture's ethics section as pages (each linking to the live demo that
shows it), the bias-replication experiment, and a box that verifies a file's provenance.

Controls come from ``BiasRequest``'s declarations, handlers from ``genlab.sections.ethics``; this
module lays them out and wires the events (``/ethics_bias``, ``/ethics_verify``, ...).
"""

from __future__ import annotations

import functools

from genlab.ethics.pipeline import BiasRequest
from genlab.i18n import Translator
from genlab.sections import ethics as handlers

TITLE = {"en": "Ethics", "ru": "Этика"}
MAIN_CONTROLS = ("model", "minority", "target", "n_train", "seed")  # the rest under "more settings"
LATEX = ({"left": "$$", "right": "$$", "display": True}, {"left": "$", "right": "$", "display": False})


def tab_link_js(target: str) -> str:
    """JavaScript that opens another app tab (``section``) or scrolls to ``ethics#anchor``."""
    section, _, anchor = target.partition("#")
    if anchor:
        return (f"() => {{ const e = document.getElementById('ethics-{anchor}'); "
                f"if (e) e.scrollIntoView({{behavior: 'smooth'}}); }}")
    return (f"() => {{ const b = document.querySelector('button[data-tab-id=\"{section}\"]') "
            f"|| document.getElementById('tab-{section}-button'); "
            f"if (b) {{ b.click(); window.scrollTo({{top: 0, behavior: 'smooth'}}); }} }}")


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.app.controls import controls, validator
    from genlab.app.serving import HEAVY
    from genlab.ethics.pages import pages

    tr = Translator("ethics", lang)
    safe = user_errors(lang)

    gr.Markdown(tr("intro"))
    with gr.Accordion(tr("read"), open=True):
        for i, page in enumerate(pages(lang)):
            with gr.Accordion(page.title, open=i < 2, elem_id=f"ethics-page-{page.key}"):
                gr.Markdown(page.body, latex_delimiters=list(LATEX))
                with gr.Row():
                    for target, text in page.demos:
                        btn = gr.Button(tr("open_demo", text=text), size="sm", variant="secondary",
                                        elem_classes=["ethics-demo-link"])
                        btn.click(None, js=tab_link_js(target))

    names = BiasRequest.control_names()
    with gr.Column(elem_id="ethics-bias"):
        gr.Markdown(tr("bias_title"))
        with gr.Row():
            c = controls(BiasRequest, lang, MAIN_CONTROLS[:3])
        with gr.Row():
            c.update(controls(BiasRequest, lang, MAIN_CONTROLS[3:]))
        with gr.Accordion(tr("more_settings"), open=False):
            with gr.Row():
                c.update(controls(BiasRequest, lang, [n for n in names if n not in MAIN_CONTROLS]))
        run_btn = gr.Button(tr("run"), variant="primary", elem_id="ethics-bias-run")
        summary = gr.Markdown(elem_id="ethics-bias-summary")
        figure = gr.Plot(show_label=False, elem_id="ethics-bias-plot")  # the panels' titles are in the figure
        notebook = gr.DownloadButton(tr("open_notebook"), value=None, size="sm", elem_id="ethics-bias-notebook")
        gr.Markdown(f"#### {tr('table')}")
        table = gr.Dataframe(headers=handlers.table_headers(lang), show_label=False, interactive=False, wrap=True,
                             elem_id="ethics-bias-table", elem_classes=["genlab-table"])
        results_file = gr.File(label=tr("results_file"), interactive=False, elem_id="ethics-bias-file")
        run_btn.click(safe(functools.partial(handlers.run_bias, lang=lang)), [c[n] for n in names],
                      [figure, table, summary, results_file, notebook], api_name="ethics_bias",
                      validator=validator(BiasRequest, names, lang), **HEAVY)

    with gr.Column(elem_id="ethics-verify"):
        gr.Markdown(tr("verify_title"))
        with gr.Row():
            upload = gr.File(label=tr("file"), type="filepath", elem_id="ethics-verify-file")
            example_file = gr.File(label=tr("example_file"), interactive=False, elem_id="ethics-example-file")
        with gr.Row():
            verify_btn = gr.Button(tr("verify"), variant="primary", elem_id="ethics-verify-run")
            example_btn = gr.Button(tr("example"), elem_id="ethics-verify-example")
        verdict = gr.Markdown(elem_id="ethics-verify-verdict")
        report = gr.JSON(label=tr("report"), elem_id="ethics-verify-report")
        verify = safe(functools.partial(handlers.verify, lang=lang))
        verify_btn.click(verify, [upload], [verdict, report], api_name="ethics_verify", **HEAVY)
        upload.upload(verify, [upload], [verdict, report], api_name="ethics_verify_upload", **HEAVY)
        example_btn.click(safe(functools.partial(handlers.make_example, 0, lang=lang)), None,
                          [example_file, verdict, report], api_name="ethics_example", **HEAVY)
