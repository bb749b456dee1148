"""Jupyter widget for the autoregressive section: ``genlab.widgets.autoregressive()``.

The lecture's streaming demo (prompt, temp, top_p, max_tok, Stream) plus top-k and seed, on the
shipped Shakespeare model (or a folder / Qwen3-VL id given as ``model``).  The text grows in a
wrapped HTML block as tokens arrive; afterwards each token is coloured by its probability.  Views
only: the handlers are the web tab's, the math is in ``genlab.families.autoregressive``.
"""

from __future__ import annotations

import html

from genlab.errors import InputError
from genlab.i18n import Translator

STRINGS = {
    "en": {"prompt": "Prompt:", "temp": "temp:", "top_p": "top_p:", "max_tok": "max_tok:", "top_k": "top_k:",
           "seed": "seed:", "stream": "Stream", "stop": "Stop",
           "header": "<b>Autoregressive text</b>: p(x) = ∏ p(x_t | x_&lt;t), sampled one token at a time."},
    "ru": {"prompt": "Запрос:", "temp": "темп.:", "top_p": "top_p:", "max_tok": "макс. ток.:", "top_k": "top_k:",
           "seed": "сид:", "stream": "Поток", "stop": "Стоп",
           "header": "<b>Авторегрессионный текст</b>: p(x) = ∏ p(x_t | x_&lt;t), по одному токену."},
}

WRAPPED = ('<div style="width:100%; box-sizing:border-box; padding:10px; border:1px solid #ddd; border-radius:8px; '
           'font-family:monospace; font-size:13px; white-space:pre-wrap; overflow-wrap:anywhere">{}</div>')


def autoregressive(lang: str = "en", model: str = "lab"):
    """An ipywidgets VBox: prompt, sliders, Stream/Stop, the streamed text and the token probabilities."""
    import ipywidgets as w

    from genlab.app.tabs import autoregressive as tab

    tr = Translator(STRINGS, lang)
    prompt = w.Textarea(value=tab.DEFAULT_PROMPT.get(model, "ROMEO:\n"), description=tr("prompt"),
                        layout=w.Layout(width="100%", height="60px"))
    temp = w.FloatSlider(0.8, min=0.0, max=1.5, step=0.05, description=tr("temp"), readout_format=".2f")
    top_p = w.FloatSlider(0.9, min=0.1, max=1.0, step=0.01, description=tr("top_p"), readout_format=".2f")
    max_tok = w.IntSlider(200, min=16, max=2048, description=tr("max_tok"))
    top_k = w.IntSlider(0, min=0, max=100, description=tr("top_k"))
    seed = w.IntText(-1, description=tr("seed"))
    stream_btn = w.Button(description=tr("stream"), button_style="primary")
    stop_btn = w.Button(description=tr("stop"), button_style="danger")
    text_view = w.HTML(WRAPPED.format(""))
    stats = w.HTML()
    probs_view = w.HTML()
    state = {"session": tab.new_session()}

    def on_stream(_=None):
        # Runs in the kernel's thread; a Stop click is handled between tokens only if the front end
        # can deliver it, so Stop is most useful with long generations (it sets the same flag as the app).
        try:
            for text, line, _, session in tab.generate_stream(
                    model, prompt.value, temp.value, top_p.value, max_tok.value, top_k.value, 1.0, seed.value,
                    state["session"], lang):
                state["session"] = session
                text_view.value = WRAPPED.format(html.escape(text))
                stats.value = line
            probs_view.value = tab.probability_html(state["session"])
        except InputError as err:
            stats.value = f"<span style='color:#b00'>{html.escape(err.message(lang))}</span>"

    def on_stop(_=None):
        tab.stop_generation(state["session"])

    stream_btn.on_click(on_stream)
    stop_btn.on_click(on_stop)
    box = w.VBox([w.HTML(tr("header")), prompt, w.HBox([stream_btn, stop_btn]), temp, top_p, max_tok, top_k, seed,
                  text_view, stats, probs_view])
    box.stream, box.stop = on_stream, on_stop  # handles for tests and scripts
    return box
