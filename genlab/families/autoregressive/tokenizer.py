"""A character tokenizer with a byte fallback: any Unicode text is tokens, never an error.

Token ids ``0 .. len(vocab)-1`` are the characters of ``vocab`` (one token each); the next 256
ids are the bytes 0x00..0xFF; the last id is BOS, the "beginning of text" token that every
training window and every scored text starts with.  A character outside the vocabulary (a
Chinese character, an emoji, a control character) is written as the tokens of its UTF-8 bytes.

Every text has exactly one token sequence (a vocabulary character is never written as bytes),
and ``banned_next`` tells which tokens may not come next so that the model only ever produces
such canonical, valid UTF-8 sequences: after a lead byte only the continuation bytes that can
follow it, never the bytes of a character the vocabulary has, never BOS after text.  Scoring and
sampling both apply it, so log p(text) = sum_t log p(token_t | BOS, tokens_<t) is the exact
log-likelihood of the text, and the probability of a character is the product of its tokens'.

It offers the small part of a transformers tokenizer that genlab's generation path uses
(``encode``, ``decode``, ``convert_ids_to_tokens``, ``vocab_size``), so the lab model and the
lecture's Qwen model stream, stop and score through the same functions.
"""

from __future__ import annotations

import functools
from collections import Counter

BOS_TEXT = "<bos>"
N_BYTES = 256


def _utf8_next_ranges(lead: int) -> tuple[int, tuple[int, int]] | None:
    """(continuation bytes still to come, allowed range of the first one) after ``lead``; None if not a lead."""
    if 0xC2 <= lead <= 0xDF:
        return 1, (0x80, 0xBF)
    if 0xE0 <= lead <= 0xEF:
        return 2, {0xE0: (0xA0, 0xBF), 0xED: (0x80, 0x9F)}.get(lead, (0x80, 0xBF))  # no overlongs, no surrogates
    if 0xF0 <= lead <= 0xF4:
        return 3, {0xF0: (0x90, 0xBF), 0xF4: (0x80, 0x8F)}.get(lead, (0x80, 0xBF))  # up to U+10FFFF
    return None


class CharTokenizer:
    """Characters of ``vocab`` (distinct) as single tokens, anything else as UTF-8 byte tokens."""

    eos_token_id = None  # texts have no end-of-text token: generation stops on length or stop strings
    pad_token_id = None

    def __init__(self, vocab: str):
        if len(set(vocab)) != len(vocab):
            raise ValueError("vocab: characters must be distinct")
        self.vocab = vocab
        self.stoi = {ch: i for i, ch in enumerate(vocab)}
        self.byte_offset = len(vocab)
        self.bos_token_id = len(vocab) + N_BYTES
        # the byte sequences of vocabulary characters must never be produced as bytes
        self._vocab_bytes = {ch.encode("utf-8") for ch in vocab}

    @property
    def vocab_size(self) -> int:
        return len(self.vocab) + N_BYTES + 1  # the characters, the bytes and BOS

    def __len__(self) -> int:
        return self.vocab_size

    def is_byte(self, token_id: int) -> bool:
        return self.byte_offset <= token_id < self.bos_token_id

    def encode(self, text: str, *, add_bos: bool = True) -> list[int]:
        """Token ids of ``text``, BOS first: one per vocabulary character, its UTF-8 bytes otherwise."""
        ids = [self.bos_token_id] if add_bos else []
        for ch in text:
            i = self.stoi.get(ch)
            if i is not None:
                ids.append(i)
            else:
                ids.extend(self.byte_offset + b for b in ch.encode("utf-8"))
        return ids

    def fallback_characters(self, text: str) -> int:
        """How many characters of ``text`` are outside the vocabulary (written as bytes)."""
        return sum(ch not in self.stoi for ch in text)

    def unknown_characters(self, text: str) -> list[str]:
        """The distinct characters of ``text`` outside the vocabulary, the most frequent first."""
        return [ch for ch, _ in Counter(ch for ch in text if ch not in self.stoi).most_common()]

    def decode(self, ids, skip_special_tokens: bool = True, **_ignored) -> str:
        """The text of ``ids``; an incomplete or invalid byte sequence decodes to U+FFFD."""
        out, pending = [], bytearray()
        for i in map(int, ids):
            if self.is_byte(i):
                pending.append(i - self.byte_offset)
                continue
            if pending:
                out.append(pending.decode("utf-8", errors="replace"))
                pending.clear()
            if i < self.byte_offset:
                out.append(self.vocab[i])
            elif not skip_special_tokens:
                out.append(BOS_TEXT)
        if pending:
            out.append(pending.decode("utf-8", errors="replace"))
        return "".join(out)

    def convert_ids_to_tokens(self, ids) -> list[str]:
        """Each token as text: its character, ``<0xD0>`` for a byte, ``<bos>``."""
        return [self.vocab[i] if i < self.byte_offset else
                (f"<0x{i - self.byte_offset:02X}>" if self.is_byte(i) else BOS_TEXT) for i in map(int, ids)]

    # ----- which tokens may come next -------------------------------------------------------------

    def _byte_state(self, ids) -> bytes:
        """The bytes of an unfinished character at the end of ``ids`` (empty at a character boundary)."""
        pending = []
        for i in reversed(list(map(int, ids))[-3:]):  # a character has at most 4 bytes
            if not self.is_byte(i):
                break
            b = i - self.byte_offset
            pending.insert(0, b)
            if b < 0x80 or b >= 0xC0:  # ASCII or a lead byte: the start of this character
                break
        if not pending or pending[0] < 0x80:
            return b""
        lead = _utf8_next_ranges(pending[0])
        if lead is None or len(pending) > lead[0]:
            return b""
        return bytes(pending)

    @functools.lru_cache(maxsize=4096)
    def _banned_after(self, state: bytes):
        import torch

        banned = torch.zeros(self.vocab_size, dtype=torch.bool)
        banned[self.bos_token_id] = True  # BOS starts texts and never follows one
        byte_ids = lambda lo, hi: slice(self.byte_offset + lo, self.byte_offset + hi + 1)  # noqa: E731
        if not state:  # a character boundary: characters, ASCII bytes outside the vocabulary, lead bytes
            banned[byte_ids(0x80, 0xC1)] = True
            banned[byte_ids(0xF5, 0xFF)] = True
            candidates = range(0x00, 0x80)
            finishing = state
        else:  # inside a character: only the continuation bytes that can follow
            banned[: self.byte_offset] = True
            remaining, (lo, hi) = _utf8_next_ranges(state[0])
            if len(state) > 1:
                lo, hi = 0x80, 0xBF
            banned[byte_ids(0x00, lo - 1)] = True
            banned[byte_ids(hi + 1, 0xFF)] = True
            candidates = range(lo, hi + 1) if len(state) == remaining else ()
            finishing = state
        for b in candidates:  # never the bytes of a character the vocabulary has
            if finishing + bytes([b]) in self._vocab_bytes:
                banned[self.byte_offset + b] = True
        if bool(banned[: self.bos_token_id].all()):  # cannot happen with UTF-8, but never ban everything
            banned[: self.bos_token_id] = False
        return banned

    def banned_next(self, ids):
        """Bool tensor (V,): the tokens that may not follow the token ids ``ids``."""
        return self._banned_after(self._byte_state(ids))

    def banned_at_each_position(self, ids):
        """Bool tensor (T, V): row t = the tokens that may not follow ``ids[: t + 1]``."""
        import torch

        return torch.stack([self.banned_next(ids[: t + 1]) for t in range(len(ids))])
