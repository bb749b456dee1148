"""The Ethics section as a Jupyter widget: the lecture's pages, the bias experiment and a
file verifier. Views only: the experiment is ``genlab.ethics.bias``, the report is
``genlab.provenance.verify_report``; texts come from the app tab's tables."""

from __future__ import annotations


def _markdown_html(text: str) -> str:
    """Just enough markdown for the pages: paragraphs, bullets, **bold**, *italic*, `code`."""
    import html
    import re

    out = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        items = [ln[2:] for ln in lines if ln.startswith("- ")]
        head = [ln for ln in lines if not ln.startswith("- ")]
        for part in (" ".join(head),) if head else ():
            out.append(f"<p>{part}</p>")
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
    s = "\n".join(out)
    s = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", s)
    s = re.sub(r"(?<![\w*])\*(?!\s)(.+?)\*", r"<i>\1</i>", s)
    s = re.sub(r"`(.+?)`", lambda m: f"<code>{html.escape(m.group(1))}</code>", s)
    return s


def ethics(lang: str = "en"):
    """An ipywidgets container with three tabs: pages, the bias experiment, verify a file."""
    import tempfile
    from pathlib import Path

    import ipywidgets as W
    import matplotlib.pyplot as plt
    from IPython.display import display

    from genlab.app.tabs.ethics import (STRINGS, bias_view, describe_cost,  # noqa: F401
                                        table_headers, verify_view)
    from genlab.ethics.pages import pages
    from genlab.i18n import Translator

    tr = Translator(STRINGS, lang)

    # --- pages: an accordion, each page names the app tab with its live demo
    page_list = pages(lang)
    children = []
    for page in page_list:
        demos = "".join(f"<li>{tr('open_demo', text=text)} → <code>{target}</code></li>"
                        for target, text in page.demos)
        children.append(W.HTMLMath(_markdown_html(page.body) + f"<ul>{demos}</ul>"))
    accordion = W.Accordion(children=children, titles=tuple(p.title for p in page_list))
    accordion.selected_index = 0

    # --- the bias experiment
    model = W.ToggleButtons(options=[(tr("model_gmm"), "gmm"), (tr("model_flow"), "flow")],
                            value="gmm", description=tr("model"))
    style = {"description_width": "initial"}
    minority = W.FloatSlider(value=0.1, min=0.02, max=0.5, step=0.01, description=tr("minority"),
                             style=style)
    target = W.FloatSlider(value=0.5, min=0.05, max=0.95, step=0.01, description=tr("target"),
                           style=style)
    n_train = W.IntSlider(value=2000, min=500, max=5000, step=100, description=tr("n_train"),
                          style=style)
    seed = W.BoundedIntText(value=0, min=0, max=2**31 - 1, description=tr("seed_label"), style=style)
    run_btn = W.Button(description=tr("run"), button_style="primary")
    bias_out = W.Output()
    last = {}          # the latest results, per widget instance (for tests and code users)

    def on_run(_=None):
        bias_out.clear_output(wait=True)
        with bias_out:
            try:
                fig1, fig2, rows, summary, path = bias_view(model.value, minority.value,
                                                            target.value, n_train.value,
                                                            seed.value, lang)
            except ValueError as err:
                display(W.HTML(f"<b>{tr('error')}:</b> {tr.error(err)}"))
                return
            last.update(bias_rows=rows, bias_summary=summary, bias_file=path)
            display(W.HTML(_markdown_html(summary)))
            display(fig1)
            display(fig2)
            plt.close(fig1)
            plt.close(fig2)
            head = "".join(f"<th>{h}</th>" for h in table_headers(lang))
            body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in rows)
            display(W.HTML(f"<table><tr>{head}</tr>{body}</table>"))
            display(W.HTML(f"{tr('results_file')}: <code>{path}</code>"))

    run_btn.on_click(on_run)
    bias_box = W.VBox([W.HTML(_markdown_html(tr("bias_title").replace("### ", ""))),
                       model, minority, target, n_train, W.HBox([seed, run_btn]), bias_out])

    # --- verify a file
    upload = W.FileUpload(accept="", multiple=False, description=tr("file"))
    verify_btn = W.Button(description=tr("verify"), button_style="primary")
    example_btn = W.Button(description=tr("example"))
    verify_out = W.Output()

    def show_report(path):
        import json

        summary, report = verify_view(path, lang)
        last.update(verify_summary=summary, verify_report=report)

        display(W.HTML(_markdown_html(summary)))
        display(W.HTML(f"<pre>{json.dumps(report, indent=2, ensure_ascii=False)}</pre>"))

    def on_verify(_=None):
        verify_out.clear_output(wait=True)
        with verify_out:
            if not upload.value:
                display(W.HTML(tr("no_file")))
                return
            item = upload.value[0]
            path = Path(tempfile.mkdtemp(prefix="genlab-verify-")) / Path(item["name"]).name
            path.write_bytes(bytes(item["content"]))
            try:
                show_report(path)
            except ValueError as err:
                display(W.HTML(f"<b>{tr('error')}:</b> {tr.error(err)}"))

    def on_example(_=None):
        from genlab.app.tabs.ethics import example_view

        verify_out.clear_output(wait=True)
        with verify_out:
            path, _, _ = example_view(0, lang)
            display(W.HTML(f"<code>{path}</code>"))
            show_report(path)

    verify_btn.on_click(on_verify)
    example_btn.on_click(on_example)
    verify_box = W.VBox([W.HTML(_markdown_html(tr("verify_title").replace("### ", ""))),
                         W.HBox([upload, verify_btn, example_btn]), verify_out])

    tabs = W.Tab(children=[accordion, bias_box, verify_box])
    tabs.titles = (tr("read"), tr("run"), tr("verify"))
    container = W.VBox([tabs])
    # handles for tests and for notebook users who want to drive it from code
    container.controls = {"model": model, "minority": minority, "target": target,
                          "n_train": n_train, "seed": seed, "run": run_btn, "upload": upload,
                          "verify": verify_btn, "example": example_btn}
    container.outputs = {"bias": bias_out, "verify": verify_out}
    container.last = last
    container.run = on_run
    container.verify = on_verify
    container.make_example = on_example
    return container
