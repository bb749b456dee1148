"""A character tokenizer: one token per character, so log p(text) is exact per character.

Token ids ``0 .. len(vocab)-1`` are the characters of ``vocab``; the last id is BOS, the
"beginning of text" token that every training window and every scored text starts with, so the
first character also has a probability p(x_1 | BOS) and log p(text) = sum_t log p(x_t | BOS, x_<t).

It offers the small part of a transformers tokenizer that genlab's generation path uses
(``encode``, ``decode``, ``convert_ids_to_tokens``, ``vocab_size``), so the lab model and the
lecture's Qwen model stream, stop and score through the same functions.
"""

from __future__ import annotations

from genlab.errors import InputError

BOS_TEXT = "<bos>"


class CharTokenizer:
    """Maps each character of ``vocab`` (a string of distinct characters) to its index."""

    eos_token_id = None  # plays have no end-of-text token: generation stops on length or stop strings
    pad_token_id = None

    def __init__(self, vocab: str):
        if len(set(vocab)) != len(vocab):
            raise ValueError("vocab: characters must be distinct")
        self.vocab = vocab
        self.stoi = {ch: i for i, ch in enumerate(vocab)}
        self.bos_token_id = len(vocab)

    @property
    def never_generated(self) -> tuple[int, ...]:
        """BOS starts texts and never follows a character: it has zero probability after BOS."""
        return (self.bos_token_id,)

    @property
    def vocab_size(self) -> int:
        return len(self.vocab) + 1  # the characters and BOS

    def __len__(self) -> int:
        return self.vocab_size

    def encode(self, text: str, *, add_bos: bool = True) -> list[int]:
        """Token ids of ``text``, BOS first; unknown characters are an ``InputError``."""
        unknown = sorted({ch for ch in text if ch not in self.stoi})
        if unknown:
            shown = "".join(unknown[:20])
            raise InputError("prompt", "custom",
                             text_en=f"characters {shown!r} are not in the model's "
                                     f"vocabulary of {len(self.vocab)} characters",
                             text_ru=f"символов {shown!r} нет в словаре модели "
                                     f"({len(self.vocab)} символов)")
        ids = [self.stoi[ch] for ch in text]
        return [self.bos_token_id] + ids if add_bos else ids

    def decode(self, ids, skip_special_tokens: bool = True, **_ignored) -> str:
        return "".join(self.vocab[i] if i < len(self.vocab) else ("" if skip_special_tokens else BOS_TEXT)
                       for i in map(int, ids))

    def convert_ids_to_tokens(self, ids) -> list[str]:
        return [self.vocab[i] if i < len(self.vocab) else BOS_TEXT for i in map(int, ids)]
