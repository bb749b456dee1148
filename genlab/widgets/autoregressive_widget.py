"""Jupyter widget for the autoregressive section: ``genlab.widgets.autoregressive()``.

The lecture's streaming demo (prompt, temp, top_p, max_tok, Stream) plus top-k, repetition
penalty, a stop string and a seed, with the same controls as the web tab (built from
``TextRequest``'s declarations; ``model="Qwen/Qwen3-VL-2B-Instruct"`` starts from the lecture's
values). The text grows in a wrapped HTML block as tokens arrive; afterwards each token is
coloured by its probability. The handlers are ``genlab.sections.autoregressive``.
"""

from __future__ import annotations

import html

from genlab.families.autoregressive import pipeline
from genlab.families.autoregressive.pipeline import TextRequest
from genlab.i18n import Translator
from genlab.sections import autoregressive as handlers

WRAPPED = ('<div style="width:100%; box-sizing:border-box; padding:10px; border:1px solid #ddd; border-radius:8px; '
           'font-family:monospace; font-size:13px; white-space:pre-wrap; overflow-wrap:anywhere">{}</div>')


def autoregressive(lang: str = "en", model: str = pipeline.LAB):
    """An ipywidgets VBox: prompt, sliders, Stream/Stop, the streamed text and the token probabilities."""
    import ipywidgets as w

    from genlab.widgets.controls import control, controls, values
    from genlab.viz.tokens import CSS

    tr = Translator("autoregressive", lang)
    c = {"prompt": control(TextRequest, "prompt", lang, value=handlers.model_defaults(model, lang)["prompt"],
                           width="100%")}
    c.update(controls(TextRequest, lang, ["temperature", "top_p", "max_new_tokens", "top_k", "repetition_penalty",
                                          "seed", "stop"], model=model))
    stream_btn = w.Button(description=tr("generate"), button_style="primary")
    stop_btn = w.Button(description=tr("stop"), button_style="danger")
    text_view, stats, probs_view = w.HTML(WRAPPED.format("")), w.HTML(), w.HTML()
    state = {"session": handlers.new_session()}

    def on_stream(_=None):
        # Runs in the kernel's thread; a Stop click is handled between updates only if the front end
        # can deliver it, so Stop is most useful with long generations (it sets the same flag as the app).
        try:
            for text, line, tokens_html, _notebook, session in handlers.generate(
                    model, **values(c), session=state["session"], lang=lang):
                state["session"] = session
                text_view.value = WRAPPED.format(html.escape(text))
                stats.value = line
            probs_view.value = f"<style>{CSS}</style>{tokens_html}"
        except ValueError as err:  # InputError: the user's to fix
            stats.value = f"<span style='color:#b00'>{html.escape(tr.error(err))}</span>"

    def on_stop(_=None):
        handlers.stop(state["session"])

    stream_btn.on_click(on_stream)
    stop_btn.on_click(on_stop)
    box = w.VBox([w.HTML(tr("widget_header")), c["prompt"], w.HBox([stream_btn, stop_btn]),
                  *(c[name] for name in c if name != "prompt"), text_view, stats, probs_view])
    box.stream, box.stop = on_stream, on_stop  # handles for tests and scripts
    box.controls, box.text_view, box.stats, box.probabilities = c, text_view, stats, probs_view
    return box
