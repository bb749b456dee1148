"""The Autoregressive tab: stream text token by token, see each token's probability, score texts.

The lecture's streaming demo (prompt, temperature, top-p, max tokens) plus top-k, repetition
penalty and a seed; a Stop button that really stops ``generate`` (it sets the session's stop flag,
a stopping criterion inside the generation loop); a view that colours every generated token by
the model's probability of it, with the top alternatives at a clicked token; and, for the ethics
section, the log-likelihood of a true and a false statement side by side.

Handlers are plain functions (tested without the UI).  Per-user state lives in ``gr.State``: a
dict with the session's stop flag and its last generation's token probabilities.
"""

from __future__ import annotations

import html
import math
import threading

from genlab.i18n import Translator

TITLE = {"en": "Autoregressive", "ru": "Авторегрессионные"}
MODELS = ("lab", "Qwen/Qwen3-VL-2B-Instruct")
DEFAULT_PROMPT = {"lab": "ROMEO:\n", "Qwen/Qwen3-VL-2B-Instruct":
                  "Кратко (5–7 предложений): чем диффузия концептуально отличается от GAN?"}
TRUE_FALSE = {"en": ("The sun doth rise in the east.", "The sun doth rise in the west."),
              "ru": ("The sun doth rise in the east.", "The sun doth rise in the west.")}

STRINGS = {
    "en": {
        "about": ("An autoregressive model defines p(x) = ∏ₜ p(xₜ | x₍<ₜ₎): it reads the text so far and gives a "
                  "distribution over the next token; sampling draws one token at a time (sequential). The lab model "
                  "is a 2.7M-parameter Qwen3-style transformer trained here on Shakespeare's plays, one token per "
                  "character; the lecture's Qwen3-VL-2B-Instruct is used when its weights are in the local cache."),
        "model": "Model",
        "prompt": "Prompt",
        "temperature": "Temperature (0 = greedy)",
        "top_p": "top-p (nucleus)",
        "max_tokens": "Max new tokens",
        "top_k": "top-k (0 = off)",
        "repetition_penalty": "Repetition penalty",
        "output": "Generated text (streamed)",
        "stats": "Statistics",
        "stats_line": ("{tokens} tokens · {tps:.1f} tokens/s · first token after {ttft:.0f} ms · seed {seed} · "
                       "stopped by {stopped}"),
        "stopped_length": "max tokens", "stopped_stop string": "a stop string", "stopped_eos": "end of reply",
        "stopped_user": "the Stop button",
        "probabilities": "Each generated token coloured by its probability (red = likely, blue = unlikely). "
                         "Click a token to see the alternatives.",
        "position": "Token position",
        "alternatives": "Top alternatives at this position",
        "alt_token": "token", "alt_prob": "probability",
        "chosen": "Position {pos}: the model gave {token} probability {p:.3f} (log p = {lp:.2f} nats).",
        "truth_title": "Plausibility is not truth",
        "truth_explain": ("A generative model optimises likelihood, not truth: a sample is “good” if it is typical of "
                          "the training data. Checking facts is not part of that objective, so fluent but false "
                          "statements have non-zero probability and hallucinations are a natural consequence of "
                          "probabilistic generation, not a malfunction. Below, the model scores a true and a false "
                          "statement: their log-likelihoods are close, because what it measures is how plausible the "
                          "text is, not whether it is true. Fighting hallucinations needs external verification or a "
                          "strict separation between generating text and asserting facts."),
        "true_statement": "A true statement", "false_statement": "A false statement",
        "score": "Score both",
        "col_statement": "statement", "col_logp": "log p (nats)", "col_bpc": "bits per character",
        "col_tokens": "tokens",
        "qwen_missing": "The pretrained model is not available offline; the lab model is used by default.",
    },
    "ru": {
        "about": ("Авторегрессионная модель задаёт p(x) = ∏ₜ p(xₜ | x₍<ₜ₎): она читает уже написанный текст и выдаёт "
                  "распределение следующего токена; семплирование последовательное, по одному токену. Лабораторная "
                  "модель — трансформер в стиле Qwen3 на 2,7 млн параметров, обученный здесь на пьесах Шекспира, "
                  "один токен на символ; модель лекции Qwen3-VL-2B-Instruct используется, если её веса есть в "
                  "локальном кэше."),
        "model": "Модель",
        "prompt": "Запрос",
        "temperature": "Температура (0 = жадно)",
        "top_p": "top-p (ядро)",
        "max_tokens": "Максимум новых токенов",
        "top_k": "top-k (0 = выкл.)",
        "repetition_penalty": "Штраф за повторы",
        "output": "Сгенерированный текст (потоком)",
        "stats": "Статистика",
        "stats_line": ("{tokens} токенов · {tps:.1f} токенов/с · первый токен через {ttft:.0f} мс · сид {seed} · "
                       "остановлено: {stopped}"),
        "stopped_length": "лимит токенов", "stopped_stop string": "стоп-строка", "stopped_eos": "конец ответа",
        "stopped_user": "кнопка «Стоп»",
        "probabilities": "Каждый сгенерированный токен окрашен по вероятности (красный — вероятный, синий — "
                         "маловероятный). Нажмите на токен, чтобы увидеть альтернативы.",
        "position": "Позиция токена",
        "alternatives": "Самые вероятные альтернативы в этой позиции",
        "alt_token": "токен", "alt_prob": "вероятность",
        "chosen": "Позиция {pos}: модель дала токену {token} вероятность {p:.3f} (log p = {lp:.2f} нат).",
        "truth_title": "Правдоподобие не равно истинности",
        "truth_explain": ("Генеративная модель оптимизирует правдоподобие, а не истинность: сэмпл считается «хорошим», "
                          "если он типичен для обучающих данных. Проверка фактов в эту постановку не входит, поэтому "
                          "правдоподобные, но ложные утверждения имеют ненулевую вероятность, а галлюцинации — не "
                          "сбой, а естественное следствие вероятностной генерации. Ниже модель оценивает истинное и "
                          "ложное утверждение: их лог-правдоподобия близки, потому что модель измеряет "
                          "правдоподобие текста, а не его истинность. Борьба с галлюцинациями требует внешней "
                          "проверки или жёсткого разделения генерации и утверждения фактов."),
        "true_statement": "Истинное утверждение", "false_statement": "Ложное утверждение",
        "score": "Оценить оба",
        "col_statement": "утверждение", "col_logp": "log p (нат)", "col_bpc": "бит на символ",
        "col_tokens": "токенов",
        "qwen_missing": "Предобученная модель недоступна офлайн; по умолчанию используется лабораторная.",
    },
}


class StopEvent(threading.Event):
    """A stop flag that survives Gradio copying the session state (a copy is the same flag)."""

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self


def new_session() -> dict:
    """Per-user state: the stop flag of the running generation and the last token probabilities."""
    return {"stop": StopEvent(), "score": None}


def _options(temperature, top_p, max_tokens, top_k, repetition_penalty, seed):
    from genlab.families.autoregressive.generation import SamplingOptions

    return SamplingOptions(max_new_tokens=max_tokens, temperature=temperature, top_p=top_p, top_k=top_k,
                           repetition_penalty=repetition_penalty, seed=seed).checked()


def _load(model_name: str):
    from genlab.errors import check_choice
    from genlab.families.autoregressive.backends import load_text_model

    return load_text_model(check_choice("model", model_name, MODELS))


def generate_stream(model_name, prompt, temperature, top_p, max_tokens, top_k, repetition_penalty, seed,
                    session, lang="en"):
    """Yield (text so far, statistics, token view, session) while the model writes.

    The session's stop flag (made per user when the page loads) is cleared at the start, so the
    Stop button of this user (and only this user) stops this run.
    """
    from genlab.families.autoregressive.scoring import generation_probabilities

    tr = Translator(STRINGS, lang)
    options = _options(temperature, top_p, max_tokens, top_k, repetition_penalty, seed)
    text_model = _load(model_name)
    session = dict(session) if session else new_session()
    session["stop"] = session.get("stop") or StopEvent()  # made when the page loaded: Stop can reach it
    session["stop"].clear()
    session["score"] = None
    text = ""
    yield text, "", [], session
    for item in text_model.stream(prompt, options, stop_event=session["stop"]):
        if isinstance(item, str):
            text += item
            yield text, "", [], session
    result = item
    score = generation_probabilities(result, text_model.tokenizer)
    session["score"] = {"tokens": score.tokens, "log_probs": score.token_log_probs.tolist(),
                        "top": [[(text_model.tokenizer.convert_ids_to_tokens([i])[0], math.exp(lp))
                                 for i, lp in zip(ids, lps)]
                                for ids, lps in zip(score.top_ids.tolist(), score.top_log_probs.tolist())]}
    stats = tr("stats_line", tokens=len(result.token_ids), tps=result.tokens_per_second,
               ttft=result.first_token_seconds * 1000, seed=result.seed, stopped=tr(f"stopped_{result.stopped_by}"))
    yield result.text, stats, token_highlights(session), session


def stop_generation(session) -> None:
    """The Stop button: set this session's flag; ``generate`` ends at the next token."""
    if session and session.get("stop") is not None:
        session["stop"].set()


def token_highlights(session) -> list[tuple[str, float]]:
    """(token, value) pairs for ``gr.HighlightedText``: value = 2p - 1, from -1 (unlikely) to 1 (likely)."""
    score = (session or {}).get("score")
    if not score:
        return []
    return [(tok, round(2 * math.exp(lp) - 1, 4)) for tok, lp in zip(score["tokens"], score["log_probs"])]


def alternatives(session, position, lang="en"):
    """(description, rows of [token, probability]) for the token at ``position`` of the last generation."""
    from genlab.errors import check_int

    tr = Translator(STRINGS, lang)
    score = (session or {}).get("score")
    if not score or not score["tokens"]:
        return "", []
    pos = check_int("position", position, 0, len(score["tokens"]) - 1)
    lp = score["log_probs"][pos]
    note = tr("chosen", pos=pos, token=repr(score["tokens"][pos]), p=math.exp(lp), lp=lp)
    return note, [[repr(tok), round(p, 4)] for tok, p in score["top"][pos]]


def score_statements(model_name, true_text, false_text, lang="en"):
    """Rows [statement, log p, bits per char, tokens] for a true and a false statement."""
    from genlab import limits
    from genlab.errors import check_text

    statements = [(name, check_text(name, text, max_chars=limits.MAX_STATEMENT_CHARS))
                  for name, text in (("true_statement", true_text), ("false_statement", false_text))]
    text_model = _load(model_name)
    rows = []
    for name, text in statements:
        score = text_model.score(text, top_k=1)
        rows.append([text, round(score.log_prob, 3), round(score.bits_per_char, 4), len(score.token_ids)])
    return rows


def probability_html(session) -> str:
    """The same colouring as HTML (for the widget): wrapped text, each token with its probability as a tooltip."""
    score = (session or {}).get("score")
    if not score:
        return ""
    spans = []
    for tok, lp in zip(score["tokens"], score["log_probs"]):
        p = math.exp(lp)
        red, blue = int(255 * p), int(255 * (1 - p))
        spans.append(f'<span title="p={p:.3f}" style="background: rgba({red},80,{blue},0.35)">'
                     f"{html.escape(tok)}</span>")
    return ('<div style="white-space: pre-wrap; overflow-wrap: anywhere; font-family: monospace">'
            + "".join(spans) + "</div>")


def render(lang: str) -> None:
    import gradio as gr

    from genlab import limits
    from genlab.app.common import user_errors
    from genlab.app.serving import HEAVY, INSTANT

    tr = Translator(STRINGS, lang)
    wrap = user_errors(lang)
    session = gr.State(new_session)  # called per page load: one stop flag per user
    gr.Markdown(tr("about"))
    with gr.Row():
        with gr.Column(scale=2):
            model = gr.Dropdown(list(MODELS), value="lab", label=tr("model"))
            prompt = gr.Textbox(DEFAULT_PROMPT["lab"], label=tr("prompt"), lines=3, elem_id="ar-prompt",
                                max_length=limits.MAX_PROMPT_CHARS)
            with gr.Row():
                generate_btn = gr.Button(tr("generate"), variant="primary", elem_id="ar-generate")
                stop_btn = gr.Button(tr("stop"), variant="stop", elem_id="ar-stop")
        with gr.Column(scale=1):
            temperature = gr.Slider(0.0, 1.5, value=0.8, step=0.05, label=tr("temperature"))
            top_p = gr.Slider(0.1, 1.0, value=0.9, step=0.01, label=tr("top_p"))
            max_tokens = gr.Slider(16, 2048, value=300, step=1, label=tr("max_tokens"))
            top_k = gr.Slider(0, 100, value=0, step=1, label=tr("top_k"))
            repetition_penalty = gr.Slider(1.0, 2.0, value=1.0, step=0.05, label=tr("repetition_penalty"))
            seed = gr.Number(-1, label=tr("seed"), precision=0)
    output = gr.Textbox(label=tr("output"), lines=12, max_lines=30, autoscroll=True, elem_id="ar-output")
    stats = gr.Markdown(elem_id="ar-stats")
    tokens_view = gr.HighlightedText(label=tr("probabilities"), show_legend=False, show_inline_category=False,
                                     combine_adjacent=False, elem_id="ar-tokens")
    with gr.Row():
        position = gr.Number(0, label=tr("position"), precision=0, minimum=0)
        chosen = gr.Markdown()
    alt_table = gr.Dataframe(headers=[tr("alt_token"), tr("alt_prob")], label=tr("alternatives"),
                             interactive=False)

    with gr.Accordion(tr("truth_title"), open=False):
        gr.Markdown(tr("truth_explain"))
        true_text, false_text = TRUE_FALSE[lang]
        with gr.Row():
            true_box = gr.Textbox(true_text, label=tr("true_statement"), max_length=limits.MAX_STATEMENT_CHARS)
            false_box = gr.Textbox(false_text, label=tr("false_statement"), max_length=limits.MAX_STATEMENT_CHARS)
        score_btn = gr.Button(tr("score"))
        truth_table = gr.Dataframe(headers=[tr("col_statement"), tr("col_logp"), tr("col_bpc"), tr("col_tokens")],
                                   interactive=False)

    model.change(lambda name: DEFAULT_PROMPT[name], model, prompt, **INSTANT)
    @wrap
    def on_generate(model_name, prompt_text, temp, p, n, k, penalty, seed_value, session_value):
        yield from generate_stream(model_name, prompt_text, temp, p, n, k, penalty, seed_value, session_value, lang)

    @wrap
    def on_alternatives(session_value, pos):
        return alternatives(session_value, pos, lang)

    @wrap
    def on_score(model_name, true_value, false_value):
        return score_statements(model_name, true_value, false_value, lang)

    run = generate_btn.click(
        on_generate,
        [model, prompt, temperature, top_p, max_tokens, top_k, repetition_penalty, seed, session],
        [output, stats, tokens_view, session], api_name="autoregressive_generate", **HEAVY)
    stop_btn.click(stop_generation, session, None, api_name="autoregressive_stop", **INSTANT)

    def pick(evt):
        return evt.index if isinstance(evt.index, int) else evt.index[0]

    pick.__annotations__ = {"evt": gr.SelectData}  # a real class, not a string: gradio injects the event

    tokens_view.select(pick, None, position, **INSTANT)
    position.change(on_alternatives, [session, position], [chosen, alt_table],
                    api_name="autoregressive_alternatives")
    run.then(on_alternatives, [session, position], [chosen, alt_table])
    score_btn.click(on_score, [model, true_box, false_box], truth_table, api_name="autoregressive_score",
                    **HEAVY)
