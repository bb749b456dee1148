"""The explicit density: log p(text) = sum_t log p(x_t | BOS, x_<t), exactly, per token and in total.

Texts longer than one window are read in chunks through the KV cache, so every token is scored
with the same sliding context (up to ``block_size`` tokens) that generation uses: the number is
the exact log-likelihood of the model that ``sample`` draws from.

A token is not always a character a user can read: the lab model writes a character outside its
vocabulary as several byte tokens, and a byte-level BPE (Qwen) can split a Cyrillic letter across
tokens.  ``TextScore.pieces`` therefore groups the tokens into readable pieces (whole characters)
with the summed log-probability of their tokens: log p(piece | text before it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from genlab.errors import InputError
from genlab.families.autoregressive.generation import next_token_log_probs

LN2 = math.log(2.0)
MAX_SCORE_CHARS = 2_000_000  # about 7 minutes on one CPU thread for the lab model


@dataclass
class TextScore:
    """The log-likelihood of one text, token by token and piece by piece.

    ``token_log_probs[t]`` is log p(token t | everything before it) in nats, shape (T,);
    ``top_ids``/``top_log_probs`` are the ``k`` most likely tokens at each position, shape (T, k).
    ``pieces`` are the text cut into readable pieces (one or more whole tokens each, never half a
    character); ``piece_log_probs[p]`` is the sum of its tokens' log-probabilities and
    ``piece_starts[p]`` the index of its first token (where its alternatives are).
    """

    text: str
    tokens: list[str]
    token_ids: list[int]
    token_log_probs: torch.Tensor
    top_ids: torch.Tensor
    top_log_probs: torch.Tensor
    pieces: list[str]
    piece_log_probs: torch.Tensor
    piece_starts: list[int]

    @property
    def log_prob(self) -> float:
        """log p(text) in nats."""
        return float(self.token_log_probs.double().sum())

    @property
    def n_chars(self) -> int:
        return len(self.text)

    @property
    def nats_per_char(self) -> float:
        return -self.log_prob / max(self.n_chars, 1)

    @property
    def bits_per_char(self) -> float:
        return self.nats_per_char / LN2

    @property
    def probabilities(self) -> torch.Tensor:
        return self.token_log_probs.exp()


def readable_pieces(tokenizer, token_ids) -> tuple[list[str], list[int]]:
    """Cut ``token_ids`` into pieces that decode to whole characters: (piece texts, first token of each).

    A piece grows token by token while its text ends in an unfinished character (U+FFFD, as
    text-generation-inference's streaming does), so byte tokens merge into the character they
    spell.  The pieces joined are the decoded text.
    """
    pieces, starts, group = [], [], []
    for i, token_id in enumerate(token_ids):
        if not group:
            starts.append(i)
        group.append(int(token_id))
        text = tokenizer.decode(group, skip_special_tokens=True)
        if not text.endswith("\ufffd") or len(group) >= 4:  # a character is at most 4 tokens
            pieces.append(text)
            group = []
    if group:  # an unfinished character at the very end
        pieces.append(tokenizer.decode(group, skip_special_tokens=True))
    return pieces, starts


def _score(text: str, tokenizer, ids: list[int], token_lp, top_ids, top_lp) -> TextScore:
    pieces, starts = readable_pieces(tokenizer, ids)
    bounds = starts + [len(ids)]
    piece_lp = torch.stack([token_lp[a:b].sum() for a, b in zip(bounds, bounds[1:])]) if ids else torch.empty(0)
    return TextScore(text=text, tokens=tokenizer.convert_ids_to_tokens(ids), token_ids=list(ids),
                     token_log_probs=token_lp, top_ids=top_ids, top_log_probs=top_lp, pieces=pieces,
                     piece_log_probs=piece_lp, piece_starts=starts)


def _gather(log_probs: torch.Tensor, targets: torch.Tensor, top_k: int):
    token_lp = log_probs.gather(1, targets[:, None])[:, 0]
    top_lp, top_ids = log_probs.topk(min(top_k, log_probs.shape[-1]), dim=-1)
    return token_lp, top_ids, top_lp


@torch.inference_mode()
def chunked_logits(lm, ids: torch.Tensor, chunk: int):
    """Yield (start, logits) for the token after each position of ``ids`` (B, T), ``chunk`` positions at a time.

    The KV cache carries the context between chunks; with the lab model's sliding-window layers
    each token attends to at most ``block_size`` tokens, exactly as during generation.
    """
    from transformers import DynamicCache

    cache = DynamicCache(config=lm.config)
    for start in range(0, ids.shape[1], chunk):
        out = lm(input_ids=ids[:, start:start + chunk], cache=cache, use_cache=True)  # the cache grows in place
        yield start, out.logits.float()


def next_token_logits(lm, ids: torch.Tensor, chunk: int) -> torch.Tensor:
    """Logits for the token after each position of ``ids`` (B, T) -> (B, T, V), ``chunk`` tokens at a time."""
    return torch.cat([logits for _, logits in chunked_logits(lm, ids, chunk)], dim=1)


def score_text(lm, tokenizer, text: str, *, context_length: int | None = None, top_k: int = 5,
               chunk: int | None = None, param: str = "text") -> TextScore:
    """Score ``text`` exactly: per-token log-probabilities, the top ``k`` alternatives, readable pieces.

    Texts of any length up to ``MAX_SCORE_CHARS`` are scored (in chunks through the cache);
    ``chunk`` defaults to the context length.  ``param`` names the input in errors.
    """
    if not isinstance(text, str) or not text:
        raise InputError(param, "empty_text")
    if len(text) > MAX_SCORE_CHARS:
        raise InputError(param, "text_too_long", length=len(text), max_chars=MAX_SCORE_CHARS)
    ids = tokenizer.encode(text)  # BOS + tokens
    chunk = chunk or context_length or 512
    inputs = ids[:-1]
    parts = []
    for start, logits in chunked_logits(lm, torch.tensor([inputs]), chunk):
        n, back = logits.shape[1], min(start, 3)  # a character's bytes may straddle chunks: 3 tokens of context
        context = inputs[start - back:start + n]
        log_probs = next_token_log_probs(torch.cat([logits[0, :1].expand(back, -1), logits[0]]), tokenizer, context)
        parts.append(_gather(log_probs[back:], torch.tensor(ids[start + 1:start + 1 + n]), top_k))
    token_lp, top_ids, top_lp = (torch.cat(p) for p in zip(*parts))
    return _score(text, tokenizer, ids[1:], token_lp, top_ids, top_lp)


def log_prob_texts(lm, tokenizer, texts, *, context_length: int | None = None) -> torch.Tensor:
    """log p(text) in nats for a string or a list of strings, shape (n,)."""
    texts = [texts] if isinstance(texts, str) else list(texts)
    return torch.tensor([score_text(lm, tokenizer, t, context_length=context_length, top_k=1).log_prob
                         for t in texts], dtype=torch.float64)


def generation_probabilities(generation, tokenizer, top_k: int = 5) -> TextScore:
    """The model's own probability (temperature 1) of each token it generated, with the alternatives.

    Uses the raw logits ``generate`` returned, so no second forward pass is needed.  The prompt
    ends on a whole character, so the allowed tokens at each step depend on the new tokens only.
    """
    ids = list(generation.token_ids)
    context = [getattr(tokenizer, "bos_token_id", None)] + ids[:-1]
    log_probs = next_token_log_probs(generation.logits, tokenizer, context if ids else None)  # (T, V)
    if not ids:
        empty = torch.empty(0)
        return _score(generation.text, tokenizer, ids, empty, torch.empty(0, top_k, dtype=torch.long), empty)
    token_lp, top_ids, top_lp = _gather(log_probs, torch.tensor(ids, dtype=torch.long), top_k)
    return _score(generation.text, tokenizer, ids, token_lp, top_ids, top_lp)
