"""The explicit density: log p(text) = sum_t log p(x_t | BOS, x_<t), exactly, per token and in total.

Texts longer than one window are read in chunks through the KV cache, so every token is scored
with the same sliding context (up to ``block_size`` tokens) that generation uses: the number is
the exact log-likelihood of the model that ``sample`` draws from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from genlab.errors import InputError
from genlab.families.autoregressive.generation import next_token_log_probs

LN2 = math.log(2.0)


@dataclass
class TextScore:
    """The log-likelihood of one text, token by token.

    ``token_log_probs[t]`` is log p(token t | everything before it) in nats, shape (T,);
    ``top_ids``/``top_log_probs`` are the ``k`` most likely tokens at each position, shape (T, k).
    """

    text: str
    tokens: list[str]
    token_ids: list[int]
    token_log_probs: torch.Tensor
    top_ids: torch.Tensor
    top_log_probs: torch.Tensor

    @property
    def log_prob(self) -> float:
        """log p(text) in nats."""
        return float(self.token_log_probs.sum())

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


@torch.inference_mode()
def next_token_logits(lm, ids: torch.Tensor, chunk: int) -> torch.Tensor:
    """Logits for the token after each position of ``ids`` (B, T) -> (B, T, V), ``chunk`` tokens at a time.

    The KV cache carries the context between chunks; with the lab model's sliding-window layers
    each token attends to at most ``block_size`` tokens, exactly as during generation.
    """
    from transformers import DynamicCache

    cache = DynamicCache(config=lm.config)
    pieces = []
    for start in range(0, ids.shape[1], chunk):
        part = ids[:, start:start + chunk]
        out = lm(input_ids=part, cache=cache, use_cache=True)  # the cache is updated in place
        pieces.append(out.logits.float())
    return torch.cat(pieces, dim=1)


def score_text(lm, tokenizer, text: str, *, context_length: int | None = None, top_k: int = 5,
               chunk: int | None = None) -> TextScore:
    """Score ``text`` exactly: per-token log-probabilities and the top ``k`` alternatives.

    Texts of any length are scored (in chunks through the cache); ``chunk`` defaults to the
    context length.
    """
    if not isinstance(text, str) or not text:
        raise InputError("text", "empty_text")
    ids = tokenizer.encode(text)  # BOS + tokens
    chunk = chunk or context_length or 512
    logits = next_token_logits(lm, torch.tensor([ids[:-1]]), chunk)[0]  # (T, V)
    log_probs = next_token_log_probs(logits, tokenizer)
    targets = torch.tensor(ids[1:])
    token_lp = log_probs.gather(1, targets[:, None])[:, 0]
    top_lp, top_ids = log_probs.topk(min(top_k, log_probs.shape[-1]), dim=-1)
    return TextScore(text=text, tokens=tokenizer.convert_ids_to_tokens(ids[1:]), token_ids=ids[1:],
                     token_log_probs=token_lp, top_ids=top_ids, top_log_probs=top_lp)


def log_prob_texts(lm, tokenizer, texts, *, context_length: int | None = None) -> torch.Tensor:
    """log p(text) in nats for a string or a list of strings, shape (n,)."""
    texts = [texts] if isinstance(texts, str) else list(texts)
    return torch.tensor([score_text(lm, tokenizer, t, context_length=context_length, top_k=1).log_prob
                         for t in texts], dtype=torch.float64)


def generation_probabilities(generation, tokenizer, top_k: int = 5) -> TextScore:
    """The model's own probability (temperature 1) of each token it generated, with the alternatives.

    Uses the raw logits ``generate`` returned, so no second forward pass is needed.
    """
    log_probs = next_token_log_probs(generation.logits, tokenizer)  # (T, V)
    targets = torch.tensor(generation.token_ids, dtype=torch.long)
    token_lp = log_probs.gather(1, targets[:, None])[:, 0] if len(targets) else torch.empty(0)
    top_lp, top_ids = log_probs.topk(min(top_k, log_probs.shape[-1]), dim=-1)
    return TextScore(text=generation.text, tokens=tokenizer.convert_ids_to_tokens(generation.token_ids),
                     token_ids=list(generation.token_ids), token_log_probs=token_lp, top_ids=top_ids,
                     top_log_probs=top_lp)
