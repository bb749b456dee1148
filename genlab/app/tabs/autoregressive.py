"""The Autoregressive tab: the lecture's streaming demo, token probabilities, plausibility is not truth.

Controls come from the requests' declarations (``genlab.families.autoregressive.pipeline``),
handlers from ``genlab.sections.autoregressive``; this module only lays them out and wires the
events, each with a stable API name (``/autoregressive_generate``, ...). Per-user state (the
session's stop flag, the last token probabilities) lives in a ``gr.State``.

Stop: the button's event skips the queue (``queue=False``) and sets the session's flag, which a
stopping criterion inside ``generate`` reads at the next token; the text reaches the page in
updates of at most ``UPDATE_SECONDS`` each carrying everything written meanwhile, so the page
is never behind the model and the text stops growing as soon as the model stops.
"""

from __future__ import annotations

import functools

from genlab.families.autoregressive import pipeline
from genlab.families.autoregressive.pipeline import StatementsRequest, TextRequest
from genlab.i18n import Translator
from genlab.sections import autoregressive as handlers

TITLE = {"en": "Autoregressive", "ru": "Авторегрессионные"}
PRESET_NAMES = ["temperature", "top_p", "max_new_tokens"]  # what choosing a model resets (PRESETS)
# The streamed text: Handlebars' {{value}} escapes it (a model may write "<script>"). An HTML block,
# not a Textbox: a textarea that resizes itself on every update costs the page far more per update.
TEXT_TEMPLATE = '<pre class="ar-text">{{value}}</pre>'
TEXT_CSS = (".ar-text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; padding: 26px 4px 4px; "
            "font-size: 14px; line-height: 1.45; }")  # the top padding keeps the label off the first line
# A click on a token of the token view reports its position and marks it.
PICK_TOKEN_JS = """
element.addEventListener('click', (event) => {
  const token = event.target.closest('[data-pos]');
  if (!token) return;
  element.querySelectorAll('.tok-selected').forEach((t) => t.classList.remove('tok-selected'));
  token.classList.add('tok-selected');
  trigger('click', {pos: Number(token.dataset.pos)});
});
"""


def render(lang: str) -> None:
    import gradio as gr

    from genlab.app.common import user_errors
    from genlab.app.serving import HEAVY, INSTANT
    from genlab.app.controls import control, controls, preset_updates
    from genlab.viz.tokens import CSS

    tr = Translator("autoregressive", lang)
    safe = user_errors(lang)
    session = gr.State(handlers.new_session)  # called per page load: one stop flag per user
    gr.Markdown(tr("about"))
    with gr.Row():
        with gr.Column(scale=2):
            c = controls(TextRequest, lang, ["model"])
            c["prompt"] = control(TextRequest, "prompt", lang, value=pipeline.default_prompt(pipeline.LAB, lang))
            with gr.Row():
                generate_btn = gr.Button(tr("generate"), variant="primary", elem_id="autoregressive-generate")
                stop_btn = gr.Button(tr("stop"), variant="stop", elem_id="autoregressive-stop")
        with gr.Column(scale=1):
            c.update(controls(TextRequest, lang, ["temperature", "top_p", "max_new_tokens", "top_k",
                                                  "repetition_penalty", "seed", "stop"]))
    output = gr.HTML("", label=tr("output"), show_label=True, container=True, autoscroll=True, max_height=420,
                     min_height=120, html_template=TEXT_TEMPLATE, css_template=TEXT_CSS, elem_id="autoregressive-output")
    with gr.Row():
        stats = gr.Markdown(elem_id="autoregressive-stats")
        notebook = gr.DownloadButton(tr("open_notebook"), value=None, size="sm", scale=0,
                                     elem_id="autoregressive-notebook")

    with gr.Accordion(tr("probabilities"), open=True):
        gr.Markdown(tr("probabilities_about"))
        tokens_view = gr.HTML(js_on_load=PICK_TOKEN_JS, css_template=CSS, elem_id="autoregressive-tokens")
        with gr.Row():
            position = gr.Number(0, label=tr("position"), precision=0, minimum=0, scale=0,
                                 elem_id="autoregressive-position")
            chosen = gr.Markdown(elem_id="autoregressive-chosen")
        alt_table = gr.Dataframe(headers=[tr("alt_token"), tr("alt_prob")], label=tr("alternatives"),
                                 interactive=False, elem_id="autoregressive-alternatives")

    with gr.Accordion(tr("truth_title"), open=False):
        gr.Markdown(tr("truth_explain"))
        true_text, false_text = pipeline.default_statements(lang)
        with gr.Row():
            s = {"true_statement": control(StatementsRequest, "true_statement", lang, value=true_text),
                 "false_statement": control(StatementsRequest, "false_statement", lang, value=false_text)}
        score_btn = gr.Button(tr("score"), elem_id="autoregressive-score")
        truth_table = gr.Dataframe(headers=[tr("col_statement"), tr("col_logp"), tr("col_bpc"), tr("col_tokens")],
                                   interactive=False, elem_id="autoregressive-truth")
        truth_notebook = gr.DownloadButton(tr("open_notebook"), value=None, size="sm",
                                           elem_id="autoregressive-truth-notebook")

    def on_model_change(model):
        return [gr.update(value=handlers.model_defaults(model, lang)["prompt"]),
                *preset_updates(TextRequest, model, PRESET_NAMES)]

    def pick(event):
        return event.pos

    pick.__annotations__ = {"event": gr.EventData}  # a real class (not a string): gradio passes the event

    c["model"].change(safe(on_model_change), [c["model"]], [c["prompt"], *(c[n] for n in PRESET_NAMES)],
                      api_name="autoregressive_model_defaults", **INSTANT)
    run = generate_btn.click(safe(functools.partial(handlers.generate, lang=lang)),
                             [*(c[name] for name in TextRequest.params()), session],
                             [output, stats, tokens_view, notebook, session], api_name="autoregressive_generate",
                             **HEAVY)
    stop_btn.click(handlers.stop, [session], None, api_name="autoregressive_stop", **INSTANT)
    tokens_view.click(pick, None, [position], api_name="autoregressive_pick_token", **INSTANT)
    show_alternatives = safe(functools.partial(handlers.alternatives, lang=lang))
    position.change(show_alternatives, [session, position], [chosen, alt_table],
                    api_name="autoregressive_alternatives")
    run.then(show_alternatives, [session, position], [chosen, alt_table])
    score_btn.click(safe(functools.partial(handlers.score_statements, lang=lang)),
                    [c["model"], s["true_statement"], s["false_statement"]], [truth_table, truth_notebook],
                    api_name="autoregressive_score", **HEAVY)
