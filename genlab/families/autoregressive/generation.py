"""Sequential sampling x_t ~ p(x_t | x_<t) through transformers' ``generate``, streamed.

One path serves the lab model and the lecture's Qwen3-VL: ``generate`` with the KV cache
(incremental decoding: each step runs the model on one new token), a chain of logits processors
(repetition penalty, temperature, top-k, top-p), our own seeded sampler, stopping criteria (stop
strings, a stop flag the app's button sets) and a streamer that hands decoded text to the caller
as tokens arrive.

Why a seeded sampler of our own: ``generate(do_sample=True)`` draws from torch's *global* random
generator, which every thread of a web server shares.  ``SeededSampler`` draws from a private
``torch.Generator`` and leaves only the drawn token's score finite, so ``generate`` in greedy mode
picks exactly that token: the same seed gives the same text, whoever else is sampling.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field

import torch
from transformers.generation import (LogitsProcessor, LogitsProcessorList, RepetitionPenaltyLogitsProcessor,
                                     StoppingCriteria, StoppingCriteriaList, TemperatureLogitsWarper,
                                     TopKLogitsWarper, TopPLogitsWarper)
from transformers.generation.streamers import BaseStreamer

from genlab import limits
from genlab.errors import InputError, check_int, check_number, check_seed, check_text
from genlab.seeding import resolve_seed

MAX_NEW_TOKENS = limits.MAX_NEW_TOKENS  # the lecture's slider goes to 2048; the benchmark streams 1,024


@dataclass
class SamplingOptions:
    """How ``generate`` draws: what ``genlab.families.autoregressive.pipeline`` builds from a
    ``TextRequest`` (whose fields declare the defaults a user sees).  The defaults here are the
    neutral ones, sampling from the model's own p(x_t | x_<t) (temperature 1, no cut); only the
    length must be given.  ``temperature = 0`` is greedy decoding (the most likely token)."""

    max_new_tokens: int
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0              # 0: no top-k cut
    repetition_penalty: float = 1.0
    stop: tuple[str, ...] = ()  # generation ends once the new text contains one of these
    seed: int | None = None     # None or -1: a fresh random seed (returned in the result)

    def checked(self) -> "SamplingOptions":
        """The options after range checks (``InputError`` names the parameter and its range)."""
        stop = tuple(self.stop) if not isinstance(self.stop, str) else (self.stop,)
        for s in stop:
            if not isinstance(s, str) or not s:
                raise InputError("stop", "stop_empty")
        return SamplingOptions(
            max_new_tokens=check_int("max_new_tokens", self.max_new_tokens, 1, MAX_NEW_TOKENS),
            temperature=float(check_number("temperature", self.temperature, 0, 100)),
            top_p=float(check_number("top_p", self.top_p, 0, 1, lo_open=True)),
            top_k=check_int("top_k", self.top_k, 0, 1_000_000),
            repetition_penalty=float(check_number("repetition_penalty", self.repetition_penalty, 0, 100,
                                                  lo_open=True)),
            stop=stop,
            seed=check_seed("seed", self.seed),
        )


class SeededSampler(LogitsProcessor):
    """Draw the next token from softmax(scores) with a private generator; keep only its score.

    Placed last in the processor chain, after temperature/top-k/top-p, with ``generate`` in greedy
    mode: argmax of the returned scores is the drawn token.
    """

    def __init__(self, generator: torch.Generator):
        self.generator = generator

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        probs = torch.softmax(scores.float(), dim=-1)  # (B, V)
        token = torch.multinomial(probs, 1, generator=self.generator)  # (B, 1)
        chosen = torch.full_like(scores, float("-inf"))
        return chosen.scatter(1, token, 0.0)


class AllowedTokens(LogitsProcessor):
    """Zero probability for the tokens that may not come next (``tokenizer.banned_next``).

    For the lab model: BOS after text, bytes that would not form valid UTF-8, and the bytes of a
    character the vocabulary has as a token (so every text has one token sequence).
    """

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        banned = torch.stack([self.tokenizer.banned_next(row[-3:].tolist()) for row in input_ids])
        return scores.masked_fill(banned.to(scores.device), float("-inf"))


def next_token_log_probs(logits: torch.Tensor, tokenizer, context_ids=None) -> torch.Tensor:
    """log p(next token) from raw logits (T, V): a log-softmax over the tokens allowed after each context.

    ``context_ids[t]`` is the token at position t (the one the logits of row t follow); without it,
    or for a tokenizer without rules (Qwen's), no token is banned.
    """
    rule = getattr(tokenizer, "banned_at_each_position", None)
    if context_ids is not None and rule is not None:
        logits = logits.masked_fill(rule(list(context_ids)).to(logits.device), float("-inf"))
    return torch.log_softmax(logits.float(), dim=-1)


class StopFlag(StoppingCriteria):
    """Stops ``generate`` at the next token once ``event`` is set (the app's Stop button).

    Cancelling a UI event does not stop the thread that runs ``generate``; this does.
    """

    def __init__(self, event: threading.Event):
        self.event = event

    def __call__(self, input_ids, scores, **kwargs) -> torch.BoolTensor:
        return torch.full((input_ids.shape[0],), self.event.is_set(), dtype=torch.bool, device=input_ids.device)


class StopOnStrings(StoppingCriteria):
    """Stops a sequence once its newly generated text contains one of ``stops``.

    Only the last few tokens are decoded per step (never the whole text): a stop string that
    appears now must overlap the token just produced.  A character is at most 4 tokens (its
    UTF-8 bytes), so ``4 * len`` tokens always hold the stop string.
    """

    def __init__(self, tokenizer, stops: tuple[str, ...], prompt_length: int):
        self.tokenizer = tokenizer
        self.stops = stops
        self.prompt_length = prompt_length
        self.window = 4 * max(len(s) for s in stops) + 1

    def __call__(self, input_ids, scores, **kwargs) -> torch.BoolTensor:
        new = input_ids[:, self.prompt_length:]
        tails = [self.tokenizer.decode(row[-self.window - 1:].tolist(), skip_special_tokens=True)
                 for row in new]
        return torch.tensor([any(s in tail for s in self.stops) for tail in tails], device=input_ids.device)


class IncrementalDecoder:
    """Token ids in, new text out, decoding only a short window around the newest tokens.

    Byte-level BPE tokens can end inside a UTF-8 character; the decoder holds text back while it
    ends in the replacement character (the same scheme as text-generation-inference).
    """

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.ids: list[int] = []
        self.prefix_offset = 0  # start of the window decoded for context
        self.read_offset = 0    # tokens before this are already emitted

    def push(self, token_id: int) -> str:
        self.ids.append(int(token_id))
        decode = lambda ids: self.tokenizer.decode(ids, skip_special_tokens=True)  # noqa: E731
        prefix = decode(self.ids[self.prefix_offset:self.read_offset])
        text = decode(self.ids[self.prefix_offset:])
        if len(text) > len(prefix) and not text.endswith("\ufffd"):
            self.prefix_offset, self.read_offset = self.read_offset, len(self.ids)
            return text[len(prefix):]
        return ""


class QueueStreamer(BaseStreamer):
    """A transformers streamer that puts (text piece, time) on a queue; ``None`` marks the end.

    ``generate`` first puts the prompt, then one token per step; the prompt is skipped.
    """

    def __init__(self, tokenizer):
        self.decoder = IncrementalDecoder(tokenizer)
        self.queue: queue.Queue = queue.Queue()
        self.prompt_seen = False

    def put(self, value: torch.Tensor) -> None:
        if not self.prompt_seen:
            self.prompt_seen = True
            return
        if value.dim() > 1:
            if value.shape[0] > 1:
                raise ValueError("streaming supports one sequence at a time")
            value = value[0]
        for token_id in value.tolist():
            piece = self.decoder.push(token_id)
            self.queue.put((piece, time.perf_counter()))

    def end(self) -> None:
        self.queue.put(None)


@dataclass
class Generation:
    """The result of one ``generate`` call for one sequence.

    ``token_ids`` are the new tokens; ``logits`` the model's raw next-token logits at each new
    position, shape (new_tokens, V) (before temperature/top-p), for the probability view.
    """

    text: str
    prompt: str
    token_ids: list[int]
    logits: torch.Tensor
    seed: int
    options: SamplingOptions
    stopped_by: str = "length"        # "length", "stop string", "eos" or "user"
    seconds: float = 0.0
    first_token_seconds: float = 0.0
    extras: dict = field(default_factory=dict)

    @property
    def tokens_per_second(self) -> float:
        return len(self.token_ids) / self.seconds if self.seconds > 0 else 0.0


def build_processors(options: SamplingOptions, generator: torch.Generator, tokenizer=None) -> LogitsProcessorList:
    """Allowed tokens -> repetition penalty -> temperature -> top-k -> top-p -> seeded draw (greedy when temperature = 0)."""
    chain = LogitsProcessorList()
    if hasattr(tokenizer, "banned_next"):
        chain.append(AllowedTokens(tokenizer))
    if options.repetition_penalty != 1.0:
        chain.append(RepetitionPenaltyLogitsProcessor(options.repetition_penalty))
    if options.temperature == 0:
        return chain  # greedy: generate takes the argmax
    chain.append(TemperatureLogitsWarper(options.temperature))
    if options.top_k > 0:
        chain.append(TopKLogitsWarper(options.top_k))
    if options.top_p < 1.0:
        chain.append(TopPLogitsWarper(options.top_p))
    chain.append(SeededSampler(generator))
    return chain


def encode_prompt(tokenizer, prompt: str | None, context_length: int | None) -> torch.Tensor:
    """Prompt -> ids of shape (1, T); errors for an empty prompt or one longer than the context.

    ``None`` is no prompt at all (the lab model starts from BOS alone: an unconditional sample).
    """
    if prompt is None:
        ids = tokenizer.encode("")
    else:
        ids = tokenizer.encode(check_text("prompt", prompt, max_chars=limits.MAX_PROMPT_CHARS))
    if context_length is not None and len(ids) >= context_length:
        raise InputError("prompt", "prompt_too_long_tokens", n=len(ids), limit=context_length - 1)
    return torch.tensor([ids], dtype=torch.long)


def _trim_at_stop(text: str, stops: tuple[str, ...]) -> tuple[str, bool]:
    """Cut ``text`` right after the first stop string it contains (the stop string is kept)."""
    ends = [text.find(s) + len(s) for s in stops if s in text]
    return (text[:min(ends)], True) if ends else (text, False)


def start_generation(lm, tokenizer, input_ids: torch.Tensor, options: SamplingOptions, *,
                     streamer: BaseStreamer | None = None, stop_event: threading.Event | None = None,
                     extra_inputs: dict | None = None, eos_token_id=None):
    """Run ``lm.generate`` once; returns (generate output, resolved seed).  ``input_ids``: (B, T)."""
    seed = resolve_seed(options.seed)
    generator = torch.Generator(device=input_ids.device).manual_seed(seed)
    criteria = StoppingCriteriaList()
    if stop_event is not None:
        criteria.append(StopFlag(stop_event))
    if options.stop:
        criteria.append(StopOnStrings(tokenizer, options.stop, input_ids.shape[1]))
    pad = getattr(tokenizer, "pad_token_id", None)
    pad = pad if pad is not None else getattr(tokenizer, "bos_token_id", None)
    with torch.inference_mode():
        out = lm.generate(
            input_ids=input_ids,
            attention_mask=torch.ones_like(input_ids),
            **(extra_inputs or {}),
            max_new_tokens=options.max_new_tokens,
            do_sample=False,  # the drawing is SeededSampler's (see the module docstring)
            num_beams=1,
            logits_processor=build_processors(options, generator, tokenizer),
            stopping_criteria=criteria,
            streamer=streamer,
            eos_token_id=eos_token_id,
            pad_token_id=pad,
            output_logits=True,
            return_dict_in_generate=True,
            use_cache=True,
            temperature=None, top_p=None, top_k=None,  # no sampling defaults from the model's config
        )
    return out, seed


def _drop_unfinished_character(tokenizer, ids: list[int], text: str) -> tuple[list[int], str]:
    """Generation that stopped inside a character (its first bytes only) ends before that character.

    The same rule as the streamer's (``IncrementalDecoder`` never shows a text ending in U+FFFD), so
    the streamed pieces and the finished text agree.
    """
    for drop in range(1, 4):
        if not text.endswith("\ufffd") or len(ids) < drop:
            break
        shorter = tokenizer.decode(ids[:-drop], skip_special_tokens=True)
        if not shorter.endswith("\ufffd"):
            return ids[:-drop], shorter
    return ids, text


def _collect(out, tokenizer, prompt: str, options: SamplingOptions, seed: int, row: int, prompt_length: int,
             stop_event, eos_token_id) -> Generation:
    ids = out.sequences[row, prompt_length:].tolist()
    logits = torch.stack([step[row] for step in out.logits]).float() if out.logits else torch.empty(0)
    stopped = "length"
    eos = {eos_token_id} if isinstance(eos_token_id, int) else set(eos_token_id or [])
    if eos and any(i in eos for i in ids):
        cut = next(k for k, i in enumerate(ids) if i in eos)
        ids, logits, stopped = ids[:cut + 1], logits[:cut + 1], "eos"
    text = tokenizer.decode(ids, skip_special_tokens=True)
    ids, text = _drop_unfinished_character(tokenizer, ids, text)
    text, hit = _trim_at_stop(text, options.stop) if options.stop else (text, False)
    if hit:
        stopped = "stop string"
        # keep the tokens that made the kept text (rows of a batch can stop at different steps)
        while ids and len(tokenizer.decode(ids[:-1], skip_special_tokens=True)) >= len(text):
            ids, logits = ids[:-1], logits[:-1]
    elif stop_event is not None and stop_event.is_set() and len(ids) < options.max_new_tokens:
        stopped = "user"
    return Generation(text=text, prompt=prompt, token_ids=ids, logits=logits[:len(ids)], seed=seed,
                      options=options, stopped_by=stopped)


def generate_text(lm, tokenizer, prompt: str, options: SamplingOptions, *, context_length: int | None = None,
                  stop_event: threading.Event | None = None, eos_token_id=None) -> Generation:
    """One continuation of ``prompt``, not streamed."""
    options = options.checked()
    input_ids = encode_prompt(tokenizer, prompt, context_length)
    started = time.perf_counter()
    out, seed = start_generation(lm, tokenizer, input_ids, options, stop_event=stop_event, eos_token_id=eos_token_id)
    result = _collect(out, tokenizer, prompt, options, seed, 0, input_ids.shape[1], stop_event, eos_token_id)
    result.seconds = time.perf_counter() - started
    return result


def _joined(pieces: queue.Queue, every: float):
    """(piece, time of its first token) from a ``QueueStreamer``'s queue until its end marker;
    with ``every > 0``, what arrives within ``every`` seconds of a piece, and whatever is already
    waiting after that, comes joined to it."""
    done = False
    while not done and (item := pieces.get()) is not None:
        text, first_at = item
        while every > 0:
            wait = first_at + every - time.perf_counter()
            try:
                item = pieces.get(timeout=wait) if wait > 0 else pieces.get_nowait()
            except queue.Empty:
                break
            if item is None:
                done = True
                break
            text += item[0]
        yield text, first_at


def stream_text(lm, tokenizer, prompt: str, options: SamplingOptions, *, context_length: int | None = None,
                stop_event: threading.Event | None = None, eos_token_id=None, extra_inputs: dict | None = None,
                input_ids: torch.Tensor | None = None, every: float = 0.0):
    """Yield text pieces as the model produces them; the last item is the finished ``Generation``.

    ``generate`` runs in a worker thread and pushes tokens through ``QueueStreamer``; setting
    ``stop_event`` stops it at the next token.  The pieces joined equal ``Generation.text`` (up
    to a stop string, after which nothing more is yielded).

    ``every > 0``: the tokens that arrive within ``every`` seconds are joined into one piece, so a
    consumer that is slower per piece than the model is per token (a web page: one message per
    piece) always shows the newest text instead of falling behind a backlog; a piece waits at
    most ``every`` seconds.
    """
    options = options.checked()
    if input_ids is None:
        input_ids = encode_prompt(tokenizer, prompt, context_length)
    streamer = QueueStreamer(tokenizer)
    result: dict = {}
    stop_event = stop_event if stop_event is not None else threading.Event()

    def work():
        try:
            result["out"] = start_generation(lm, tokenizer, input_ids, options, streamer=streamer,
                                             stop_event=stop_event, extra_inputs=extra_inputs,
                                             eos_token_id=eos_token_id)
        except BaseException as err:  # noqa: BLE001 - re-raised in the caller's thread
            result["error"] = err
            streamer.end()

    started = time.perf_counter()
    worker = threading.Thread(target=work, daemon=True, name="genlab-generate")
    worker.start()
    emitted, first = "", None
    try:
        for piece, at in _joined(streamer.queue, every):
            first = first if first is not None else at - started
            if not piece:
                continue
            if options.stop:  # do not show text past a stop string
                kept, hit = _trim_at_stop(emitted + piece, options.stop)
                piece = kept[len(emitted):]
            emitted += piece
            if piece:
                yield piece
    finally:
        if worker.is_alive() and "out" not in result:
            stop_event.set()  # the consumer went away (closed page, Ctrl-C): stop generating
        worker.join()
    if "error" in result:
        raise result["error"]
    out, seed = result["out"]
    generation = _collect(out, tokenizer, prompt, options, seed, 0, input_ids.shape[1], stop_event, eos_token_id)
    generation.seconds = time.perf_counter() - started
    generation.first_token_seconds = first or 0.0
    yield generation


def sample_texts(lm, tokenizer, n: int, *, prompt: str | None = None, seed=None, context_length=None,
                 max_new_tokens: int = 256, **options) -> list[str]:
    """``n`` continuations of ``prompt`` (None: unconditional) drawn in one batch (the taxonomy's ``sample``:
    from the model's own distribution unless ``options`` say otherwise)."""
    n = check_int("n", n, 1, 1024)
    opts = SamplingOptions(max_new_tokens=max_new_tokens, seed=seed, **options).checked()
    input_ids = encode_prompt(tokenizer, prompt, context_length).repeat(n, 1)
    out, used_seed = start_generation(lm, tokenizer, input_ids, opts)
    return [_collect(out, tokenizer, prompt or "", opts, used_seed, row, input_ids.shape[1], None, None).text
            for row in range(n)]
