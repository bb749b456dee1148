"""The autoregressive family's face: a typed request in, text (or its log-likelihood) with provenance out.

Two models answer the same requests: ``"lab"``, the shipped character-level Qwen3-style model
(genlab/assets), and ``"Qwen/Qwen3-VL-2B-Instruct"``, the lecture's model (``pretrained.py``;
read from the local Hugging Face cache). The CLI, the web tab and the widget all call
``stream``/``generate``, ``score`` and ``compare_statements``; they only convert inputs and draw
the results.

    result = generate(TextRequest(prompt="ROMEO:\\n", max_new_tokens=40, seed=0))
    result.text              # the continuation
    result.tokens            # each readable piece with its probability and the top alternatives
    result.provenance        # model, revision, seed, every parameter, "AI-generated"

``TextModel`` (one per loaded model: a transformers causal LM, a tokenizer with genlab's small
interface, how a prompt becomes input ids) is what the requests run on; ``load_text_model`` picks
one ("lab", a model folder, or the Qwen hub id).
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from genlab import limits
from genlab.errors import InputError
from genlab.families.autoregressive.pretrained import QWEN_ID
from genlab.params import Request, Result, param

LAB = "lab"
QWEN = QWEN_ID
MODELS = (LAB, QWEN)
LAB_ASSET = "ar-bilingual"
TOP_ALTERNATIVES = 5

# What the text box holds before a user types: per model and page language. The lab model
# continues text as it is (a speaker's name for a play, the start of a saying in Russian); the chat
# model gets the lecture's question.
DEFAULT_PROMPT = {
    LAB: {"en": "ROMEO:\n", "ru": "Человек "},
    QWEN: {"en": "Briefly (5-7 sentences): how does diffusion differ conceptually from a GAN?",
           "ru": "Кратко (5–7 предложений): чем диффузия концептуально отличается от GAN?"},
}
# "Plausibility is not truth": a true and a false statement of the same shape, per page language.
DEFAULT_STATEMENTS = {
    "en": ("The sun doth rise in the east.", "The sun doth rise in the west."),
    "ru": ("Солнце встаёт на востоке.", "Солнце встаёт на западе."),
}


def default_prompt(model: str, lang: str) -> str:
    """The default prompt of ``model`` ("lab" or the Qwen id) on a page in ``lang`` ("en" or "ru")."""
    prompts = DEFAULT_PROMPT.get(model, DEFAULT_PROMPT[LAB])
    return prompts.get(lang, prompts["en"])


def default_statements(lang: str) -> tuple[str, str]:
    """(true statement, false statement) shown on a page in ``lang``."""
    return DEFAULT_STATEMENTS.get(lang, DEFAULT_STATEMENTS["en"])


# ---------------------------------------------------------------- requests

def _model_param():
    # The CLI and Python also take a model folder; the app and the widgets offer the two models only.
    return param(LAB, choices=MODELS, open_choice=True, control="radio")


@dataclass(frozen=True)
class TextRequest(Request):
    """A continuation of ``prompt`` (the lab model) or a reply to it (the chat model), sampled token by token."""

    SECTION: ClassVar[str] = "autoregressive"
    PIPELINE: ClassVar[str] = "generate"
    # the lecture's Qwen cell: its question, temperature 0.7, top-p 0.9, 64 new tokens
    PRESETS: ClassVar[dict] = {QWEN: {"prompt": DEFAULT_PROMPT[QWEN]["ru"], "temperature": 0.7, "top_p": 0.9,
                                      "max_new_tokens": 64}}

    model: str = _model_param()
    prompt: str = param(DEFAULT_PROMPT[LAB]["en"], max_chars=limits.MAX_PROMPT_CHARS, lines=3)
    temperature: float = param(0.8, low=0.0, high=2.0, step=0.05)
    top_p: float = param(0.9, low=0.0, high=1.0, low_open=True, step=0.01)
    max_new_tokens: int = param(300, low=1, high=limits.MAX_NEW_TOKENS, short="-n")
    top_k: int = param(0, low=0, high=200)
    repetition_penalty: float = param(1.0, low=0.5, high=2.0, step=0.05)
    seed: int = param(-1, kind="seed")
    stop: str = param("", allow_empty=True, max_chars=100)

    def sampling_options(self):
        """The request as ``generation.SamplingOptions`` (what ``generate`` draws with)."""
        from genlab.families.autoregressive.generation import SamplingOptions

        return SamplingOptions(max_new_tokens=self.max_new_tokens, temperature=self.temperature, top_p=self.top_p,
                               top_k=self.top_k, repetition_penalty=self.repetition_penalty,
                               stop=(self.stop,) if self.stop else (), seed=self.seed)


@dataclass(frozen=True)
class ScoreRequest(Request):
    """The exact log-likelihood of a text under the model, token by token."""

    SECTION: ClassVar[str] = "autoregressive"
    PIPELINE: ClassVar[str] = "score"

    model: str = _model_param()
    text: str = param("To be, or not to be, that is the question.", lines=3)


@dataclass(frozen=True)
class StatementsRequest(Request):
    """"Plausibility is not truth": the log-likelihoods of a true and a false statement side by side."""

    SECTION: ClassVar[str] = "autoregressive"
    PIPELINE: ClassVar[str] = "compare_statements"

    model: str = _model_param()
    true_statement: str = param(DEFAULT_STATEMENTS["en"][0], max_chars=limits.MAX_STATEMENT_CHARS)
    false_statement: str = param(DEFAULT_STATEMENTS["en"][1], max_chars=limits.MAX_STATEMENT_CHARS)


# ---------------------------------------------------------------- results

@dataclass
class TokenProbabilities:
    """A text cut into readable pieces (whole characters), each with the model's probability of it
    (temperature 1) and the most likely alternatives at its position: what the token view draws.
    Plain lists, so a view can keep them in its session state."""

    pieces: list[str]
    probabilities: list[float]
    alternatives: list[list[tuple[str, float]]]  # per piece: (token, probability), most likely first

    @classmethod
    def of(cls, score, tokenizer) -> "TokenProbabilities":
        """From a ``scoring.TextScore``: its pieces; the alternatives are those at each piece's first token."""
        top_ids, top_lps = score.top_ids.tolist(), score.top_log_probs.tolist()
        top = [[(tok, math.exp(lp)) for tok, lp in zip(tokenizer.convert_ids_to_tokens(top_ids[t]), top_lps[t])]
               for t in score.piece_starts]
        return cls(list(score.pieces), [math.exp(lp) for lp in score.piece_log_probs.tolist()], top)


@dataclass
class TextResult(Result):
    text: str                       # what the model wrote (the prompt not included)
    stopped_by: str                 # "length", "stop string", "eos" or "user" (the view translates it)
    n_tokens: int
    seconds: float
    first_token_seconds: float
    tokens: TokenProbabilities

    @property
    def tokens_per_second(self) -> float:
        return self.n_tokens / self.seconds if self.seconds > 0 else 0.0

    def show(self) -> str:
        return self.text


@dataclass
class ScoreResult(Result):
    score: Any                      # scoring.TextScore: per-token log-probabilities, alternatives

    def show(self) -> str:
        s = self.score
        return (f"log p(text) = {s.log_prob:.3f} nats over {s.n_chars} characters ({len(s.token_ids)} tokens): "
                f"{s.nats_per_char:.4f} nats = {s.bits_per_char:.4f} bits per character")


@dataclass
class StatementScore:
    text: str
    log_prob: float                 # nats
    bits_per_char: float
    n_tokens: int


@dataclass
class StatementsResult(Result):
    statements: list[StatementScore] = field(default_factory=list)  # the true one, then the false one

    def show(self) -> str:
        return "\n".join(f"{s.log_prob:9.3f} nats  {s.bits_per_char:.4f} bits/char  {s.n_tokens:4d} tokens  {s.text}"
                         for s in self.statements)


# ---------------------------------------------------------------- models

@dataclass
class TextModel:
    name: str
    lm: Any                      # a transformers model with .generate
    tokenizer: Any               # CharTokenizer or HFTokenizerAdapter
    context_length: int | None   # the longest prompt in tokens (None: no limit that matters here)
    processor: Any = None        # chat models: the processor whose chat template wraps the prompt
    revision: str | None = None

    @property
    def is_chat(self) -> bool:
        return self.processor is not None

    def _prompt_inputs(self, prompt: str):
        from genlab.errors import check_text
        from genlab.families.autoregressive.pretrained import chat_inputs

        inputs = chat_inputs(self.processor, check_text("prompt", prompt, max_chars=limits.MAX_PROMPT_CHARS))
        input_ids = inputs.pop("input_ids")
        inputs.pop("attention_mask", None)
        return input_ids, inputs

    def _eos(self):
        return self.tokenizer.stop_token_ids() if self.is_chat else None

    def stream(self, prompt: str, options, stop_event: threading.Event | None = None, every: float = 0.0):
        """Text pieces as they come, then the finished ``Generation`` (see ``generation.stream_text``)."""
        from genlab.families.autoregressive.generation import stream_text

        if self.is_chat:
            input_ids, extra = self._prompt_inputs(prompt)
            return stream_text(self.lm, self.tokenizer, prompt, options, stop_event=stop_event,
                               eos_token_id=self._eos(), extra_inputs=extra, input_ids=input_ids, every=every)
        return stream_text(self.lm, self.tokenizer, prompt, options, context_length=self.context_length,
                           stop_event=stop_event, every=every)

    def generate(self, prompt: str, options, stop_event: threading.Event | None = None):
        """The finished ``Generation`` without streaming (same tokens as ``stream`` for the same seed)."""
        from genlab.families.autoregressive.generation import generate_text

        if self.is_chat:
            *_, result = self.stream(prompt, options, stop_event)
            return result
        return generate_text(self.lm, self.tokenizer, prompt, options, context_length=self.context_length,
                             stop_event=stop_event)

    def score(self, text: str, top_k: int = 5, param: str = "text"):
        """Exact log-likelihood of ``text`` token by token and piece by piece (``scoring.TextScore``);
        ``param`` names the text in errors."""
        from genlab.families.autoregressive.scoring import score_text

        return score_text(self.lm, self.tokenizer, text, context_length=self.context_length, top_k=top_k,
                          param=param)


def lab_model_path() -> Path:
    from genlab.assets import asset_path

    return asset_path(LAB_ASSET)


def load_char_lm(path: str | Path):
    from genlab.families.autoregressive.model import CharLM

    path = Path(path)
    if not (path / "model.safetensors").is_file():
        raise InputError("model", "no_lab_model", folder=str(path))
    with contextlib.redirect_stdout(sys.stderr):  # huggingface_hub prints a note; stdout is the text
        return CharLM.load_lab(path)


HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")   # "org/name"; anything else must be a folder


@functools.lru_cache(maxsize=4)
def load_text_model(model: str = LAB, allow_download: bool = False) -> TextModel:
    """``"lab"`` (the shipped English-Russian model), a folder, or a Qwen3-VL hub id.

    Cached per process; the loaded models are only read afterwards, so users can share them.
    """
    from genlab.families.autoregressive.pretrained import QWEN_REVISION, HFTokenizerAdapter, load_qwen

    from genlab.core import read_config

    if model == LAB:
        return _lab_text_model(load_char_lm(lab_model_path()), LAB)
    path = Path(model)
    if not path.is_dir() and not HUB_ID.fullmatch(model):
        raise InputError("model", "no_model_folder", path=model)  # neither a folder nor a hub id
    if path.is_dir():
        config = read_config(path)
        if "vocab" in config:  # a CharLM folder
            return _lab_text_model(load_char_lm(path), str(path))
        if config.get("model_type") != "qwen3_vl":
            raise InputError("model", "not_text_model", folder=str(path))
        lm, processor = load_qwen(str(path), revision=None)
        return TextModel(str(path), lm, HFTokenizerAdapter(getattr(processor, "tokenizer", processor)), None,
                         processor=processor)
    lm, processor = load_qwen(model, revision=QWEN_REVISION, allow_download=allow_download)
    return TextModel(model, lm, HFTokenizerAdapter(getattr(processor, "tokenizer", processor)), None,
                     processor=processor, revision=QWEN_REVISION)


def _lab_text_model(char_lm, name: str) -> TextModel:
    return TextModel(name, char_lm.lm, char_lm.tokenizer, char_lm.block_size)


def _model_id(text_model: TextModel) -> str:
    return "genlab/" + LAB_ASSET if text_model.name == LAB else text_model.name


# ---------------------------------------------------------------- pipelines

def stream(request: TextRequest, *, stop_event: threading.Event | None = None, every: float = 0.0,
           allow_download: bool = False):
    """Yield the new text piece by piece, then the finished ``TextResult``.

    Setting ``stop_event`` (a view's Stop button) ends ``generate`` at the next token. ``every``
    joins the tokens that arrive within that many seconds into one piece (see
    ``generation.stream_text``): a web page then always shows the newest text.
    """
    from genlab.families.autoregressive.scoring import generation_probabilities

    from genlab.compute import one_thread

    request = request.checked()
    text_model = load_text_model(request.model, allow_download)
    # the lab model is small: a second torch thread only slows it and takes the core the server needs
    with one_thread() if not text_model.is_chat else contextlib.nullcontext():
        for item in text_model.stream(request.prompt, request.sampling_options(), stop_event, every=every):
            if isinstance(item, str):
                yield item
    generation = item
    record = request.provenance(model=_model_id(text_model), revision=text_model.revision, kind="text")
    tokens = TokenProbabilities.of(generation_probabilities(generation, text_model.tokenizer, TOP_ALTERNATIVES),
                                   text_model.tokenizer)
    yield TextResult(request, record, generation.text, generation.stopped_by, len(generation.token_ids),
                     generation.seconds, generation.first_token_seconds, tokens)


def generate(request: TextRequest, *, stop_event: threading.Event | None = None,
             allow_download: bool = False) -> TextResult:
    """The finished continuation (the same text ``stream`` gives for the same request and seed)."""
    *_, result = stream(request, stop_event=stop_event, allow_download=allow_download)
    return result


def score(request: ScoreRequest, *, allow_download: bool = False, top_k: int = TOP_ALTERNATIVES,
          param: str = "text") -> ScoreResult:
    """log p(text) exactly, token by token, with the ``top_k`` alternatives at each position.

    ``param`` names the text in errors (the CLI's ``--data``).
    """
    request = request.checked()
    text_model = load_text_model(request.model, allow_download)
    result = text_model.score(request.text, top_k=top_k, param=param)
    record = request.provenance(model=_model_id(text_model), revision=text_model.revision, kind="text-score")
    return ScoreResult(request, record, result)


def compare_statements(request: StatementsRequest, *, allow_download: bool = False) -> StatementsResult:
    """The log-likelihood of the true and the false statement, under the same model."""
    request = request.checked()
    text_model = load_text_model(request.model, allow_download)
    rows = []
    for text in (request.true_statement, request.false_statement):
        s = text_model.score(text, top_k=1)
        rows.append(StatementScore(text, s.log_prob, s.bits_per_char, len(s.token_ids)))
    record = request.provenance(model=_model_id(text_model), revision=text_model.revision, kind="text-score")
    return StatementsResult(request, record, rows)
