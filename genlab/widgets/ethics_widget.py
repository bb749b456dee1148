"""The Ethics section as a Jupyter widget: ``genlab.widgets.ethics()`` — the lecture's pages, the
bias experiment and a file verifier.

The same controls as the web tab (built from ``BiasRequest``'s declarations); the handlers are
``genlab.sections.ethics``, the pages ``genlab.ethics.pages``.
"""

from __future__ import annotations

import html
import json


def ethics(lang: str = "en"):
    """An ipywidgets container with three tabs: pages, the bias experiment, verify a file."""
    import tempfile
    from pathlib import Path

    import ipywidgets as W
    import matplotlib.pyplot as plt

    from genlab.ethics.pages import pages
    from genlab.ethics.pipeline import BiasRequest
    from genlab.i18n import Translator
    from genlab.sections import ethics as handlers
    from genlab.viz import figure_png
    from genlab.widgets.controls import controls, markdown_html, values

    tr = Translator("ethics", lang)
    last = {}          # the latest results, per widget instance (for tests and code users)

    def error_html(err: Exception) -> str:
        return f"<b style='color:#b00'>{html.escape(tr.error(err))}</b>"

    # --- pages: an accordion, each page names the app tab with its live demo
    page_list = pages(lang)
    children = []
    for page in page_list:
        demos = "".join(f"<li>{html.escape(tr('open_demo', text=text))} → <code>{target}</code></li>"
                        for target, text in page.demos)
        children.append(W.HTMLMath(markdown_html(page.body, math=True) + f"<ul>{demos}</ul>"))
    accordion = W.Accordion(children=children, titles=tuple(p.title for p in page_list))
    accordion.selected_index = 0

    # --- the bias experiment
    c = controls(BiasRequest, lang, BiasRequest.control_names())
    run_btn = W.Button(description=tr("run"), button_style="primary")
    summary, figure, table, bias_error = W.HTML(), W.Image(format="png"), W.HTML(), W.HTML()

    def on_run(_=None):
        bias_error.value = ""
        try:
            fig, rows, text, path, _notebook = handlers.run_bias(**values(c), lang=lang)
        except ValueError as err:  # InputError included: shown, the widget keeps working
            bias_error.value = error_html(err)
            return
        last.update(bias_rows=rows, bias_summary=text, bias_file=path)
        summary.value = markdown_html(text)
        figure.value = figure_png(fig)
        plt.close(fig)
        head = "".join(f"<th>{html.escape(h)}</th>" for h in handlers.table_headers(lang))
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
        table.value = (f"<table><tr>{head}</tr>{body}</table>"
                       f"<p>{html.escape(tr('results_file'))}: <code>{html.escape(path)}</code></p>")

    run_btn.on_click(on_run)
    bias_box = W.VBox([W.HTML(markdown_html(tr("bias_title"))), *c.values(), run_btn, bias_error, summary, figure,
                       table])

    # --- verify a file
    upload = W.FileUpload(accept="", multiple=False, description=tr("file"))
    verify_btn = W.Button(description=tr("verify"), button_style="primary")
    example_btn = W.Button(description=tr("example"))
    verdict, report_view = W.HTML(), W.HTML()

    def show(text: str, report: dict):
        last.update(verify_summary=text, verify_report=report)
        verdict.value = markdown_html(text)
        report_view.value = f"<pre>{html.escape(json.dumps(report, indent=2, ensure_ascii=False))}</pre>"

    def on_verify(_=None):
        path = None
        if upload.value:
            item = upload.value[0]
            path = Path(tempfile.mkdtemp(prefix="genlab-verify-")) / Path(item["name"]).name
            path.write_bytes(bytes(item["content"]))
        try:
            show(*handlers.verify(path, lang))
        except ValueError as err:
            verdict.value, report_view.value = error_html(err), ""

    def on_example(_=None):
        path, text, report = handlers.make_example(0, lang)
        show(f"`{path}`\n\n{text}", report)

    verify_btn.on_click(on_verify)
    example_btn.on_click(on_example)
    verify_box = W.VBox([W.HTML(markdown_html(tr("verify_title"))), W.HBox([upload, verify_btn, example_btn]),
                         verdict, report_view])

    tabs = W.Tab(children=[accordion, bias_box, verify_box])
    tabs.titles = (tr("read"), tr("bias_tab"), tr("verify_tab"))
    container = W.VBox([tabs])
    # handles for tests and for notebook users who want to drive it from code
    container.controls = {**c, "run": run_btn, "upload": upload, "verify": verify_btn, "example": example_btn}
    container.outputs = {"summary": summary, "figure": figure, "table": table, "verdict": verdict}
    container.last = last
    container.run, container.verify, container.make_example = on_run, on_verify, on_example
    return container
