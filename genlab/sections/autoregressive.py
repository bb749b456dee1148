"""The Autoregressive section's handlers (no UI): what the tab and ``genlab.widgets.autoregressive()`` call.

Each handler takes the controls' values (in the order ``TextRequest`` declares them) and the
page's language, runs the family's pipeline (``genlab.families.autoregressive.pipeline``) and
returns what the view shows: the text so far, a translated statistics line, the token view as
HTML, a notebook that makes the same text again.

Per-user state is a plain dict the view keeps (``gr.State``): the session's stop flag, which the
Stop button sets and the running generation's stopping criterion reads, and the last
generation's token probabilities (for the alternatives at a clicked token).
"""

from __future__ import annotations

import math
import threading

from genlab import downloads
from genlab.errors import check_choice, check_int
from genlab.families.autoregressive import pipeline
from genlab.families.autoregressive.pipeline import StatementsRequest, TextRequest
from genlab.i18n import Translator
from genlab.sections import output_path

SECTION = "autoregressive"
# How often a page gets the growing text: fast enough to read as streaming, slow enough that the
# page (one message per update) never falls behind the model and Stop shows at once.
UPDATE_SECONDS = 0.05


class StopEvent(threading.Event):
    """A stop flag that survives Gradio copying the session state (a copy is the same flag)."""

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self


def new_session() -> dict:
    """Per-user state: the stop flag of the running generation and the last token probabilities."""
    return {"stop": StopEvent(), "tokens": None}


def model_defaults(model: str, lang: str = "en") -> dict:
    """The request's defaults for ``model`` (the lecture's own values for Qwen) and its prompt on this page."""
    check_choice("model", model, pipeline.MODELS)
    return {**TextRequest.defaults(model), "prompt": pipeline.default_prompt(model, lang)}


def _stats(tr: Translator, result) -> str:
    return tr("stats_line", tokens=result.n_tokens, tps=result.tokens_per_second,
              ttft=result.first_token_seconds * 1000, seed=result.request.seed,
              stopped=tr(f"stopped_{result.stopped_by.replace(' ', '_')}"))


def _notebook(result, stem: str, lang: str) -> str:
    """A notebook that makes ``result`` again, with its provenance."""
    from genlab.notebook import save_notebook

    return str(save_notebook(result.request, output_path(f"{stem}.ipynb"), provenance=result.provenance, lang=lang))


def token_view(session, lang: str = "en") -> str:
    """The last generation's tokens coloured by probability, with the colour scale (HTML)."""
    from genlab.viz.tokens import token_html

    tr = Translator(SECTION, lang)
    tokens = (session or {}).get("tokens")
    if not tokens:
        return ""
    return token_html(tokens.pieces, tokens.probabilities, low_label=tr("legend_low"), high_label=tr("legend_high"))


def generate(model, prompt, temperature, top_p, max_new_tokens, top_k, repetition_penalty, seed, stop="", session=None,
             lang: str = "en", *, every: float = UPDATE_SECONDS):
    """Yield (text so far, statistics, token view, notebook path, session) while the model writes.

    The session's stop flag (made per user when the page loads) is cleared at the start, so the
    Stop button of this user (and only this user) stops this run. The text grows at most every
    ``every`` seconds, by everything the model wrote meanwhile.
    """
    tr = Translator(SECTION, lang)
    check_choice("model", model, pipeline.MODELS)  # a page offers these two; a folder is the CLI's
    request = TextRequest(model=model, prompt=prompt, temperature=temperature, top_p=top_p, top_k=top_k,
                          max_new_tokens=max_new_tokens, repetition_penalty=repetition_penalty, stop=stop,
                          seed=seed).checked()
    session = dict(session) if session else new_session()
    session["stop"] = session.get("stop") or StopEvent()  # made when the page loaded: Stop can reach it
    session["stop"].clear()
    session["tokens"] = None
    text = ""
    yield text, "", "", None, session
    for item in pipeline.stream(request, stop_event=session["stop"], every=every,
                                allow_download=downloads.allowed()):  # the operator's flag only
        if isinstance(item, str):
            text += item
            yield text, "", "", None, session
    result = item
    session["tokens"] = result.tokens
    yield result.text, _stats(tr, result), token_view(session, lang), _notebook(result, f"autoregressive-seed{request.seed}", lang), session


def stop(session) -> None:
    """The Stop button: set this session's flag; ``generate`` ends at the next token."""
    if session and session.get("stop") is not None:
        session["stop"].set()


def alternatives(session, position, lang: str = "en"):
    """(description, rows of [token, probability]) for the token at ``position`` of the last generation."""
    tr = Translator(SECTION, lang)
    tokens = (session or {}).get("tokens")
    if not tokens or not tokens.pieces:
        return "", []
    pos = check_int("position", position, 0, len(tokens.pieces) - 1)
    p = tokens.probabilities[pos]
    note = tr("chosen", pos=pos, token=repr(tokens.pieces[pos]), p=p, lp=math.log(p) if p > 0 else -math.inf)
    rows = [[repr(tok), round(p, 4)] for tok, p in tokens.alternatives[pos]]
    return note, rows


def score_statements(model, true_statement, false_statement, lang: str = "en"):
    """(rows [statement, log p, bits per character, tokens], notebook path) for a true and a false statement."""
    check_choice("model", model, pipeline.MODELS)
    result = pipeline.compare_statements(StatementsRequest(model=model, true_statement=true_statement,
                                                           false_statement=false_statement),
                                         allow_download=downloads.allowed())
    rows = [[s.text, round(s.log_prob, 3), round(s.bits_per_char, 4), s.n_tokens] for s in result.statements]
    return rows, _notebook(result, "autoregressive-statements", lang)

