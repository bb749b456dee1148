"""The byte-fallback tokenizer: any Unicode text round-trips, one token sequence per text, valid UTF-8 only."""

import itertools

import pytest
import torch
from conftest import tiny_char_lm

from genlab.families.autoregressive.tokenizer import CharTokenizer

TEXTS = ["ROMEO:\nAy me!", "Привет, мир! Ёлка «ёж»", "日本語の文章", "emoji 🙂👍🏽 and 🇷🇺",
         "control \x00\x07\x1b\t\r\n chars", "(sonnets) & {braces} ~ ü é ß", "\U0010fffd\ud7ff\ue000"]


@pytest.mark.parametrize("text", TEXTS)
def test_any_unicode_round_trips(text):
    tok = CharTokenizer("abc ROMEY:\nПриветм,")
    ids = tok.encode(text)
    assert ids[0] == tok.bos_token_id and tok.decode(ids) == text
    assert all(0 <= i < tok.vocab_size for i in ids)
    assert tok.fallback_characters(text) == sum(ch not in tok.vocab for ch in text)
    unknown = tok.unknown_characters(text)
    assert sorted(unknown) == sorted(set(text) - set(tok.vocab))
    assert [text.count(ch) for ch in unknown] == sorted((text.count(ch) for ch in unknown), reverse=True)


def test_vocabulary_characters_are_one_token_others_their_utf8_bytes():
    tok = CharTokenizer("пр")
    assert tok.encode("пр", add_bos=False) == [0, 1]
    assert tok.encode("я", add_bos=False) == [tok.byte_offset + b for b in "я".encode()]
    assert tok.convert_ids_to_tokens(tok.encode("я", add_bos=False)) == ["<0xD1>", "<0x8F>"]


def _allowed(tok, context):
    return [i for i in range(tok.vocab_size) if not tok.banned_next(context)[i]]


def test_allowed_sequences_are_exactly_the_canonical_valid_utf8_ones():
    """Two tokens deep: every allowed path re-encodes to itself, and every text's path is allowed."""
    tok = CharTokenizer("aя")
    complete = set()
    for first in _allowed(tok, [tok.bos_token_id]):
        for second in _allowed(tok, [tok.bos_token_id, first]):
            text = tok.decode([first, second])
            if "\ufffd" not in text:  # a whole text (not a character cut in two)
                assert tok.encode(text, add_bos=False) == [first, second]
                complete.add(text)
    assert "aa" in complete and "яa" in complete and "é" in complete and "\x00a" in complete
    for text in ("ab", "яя", "日"):  # texts of two tokens that a rule would wrongly forbid
        ids = tok.encode(text)
        assert all(not tok.banned_next(ids[:t])[ids[t]] for t in range(1, len(ids)))
    assert tok.banned_next([tok.bos_token_id])[tok.byte_offset + ord("a")]  # 'a' is never a byte
    prefix = [tok.bos_token_id, tok.byte_offset + 0xD1]
    assert tok.banned_next(prefix)[tok.byte_offset + 0x8F]  # 'я' is never its bytes
    assert tok.banned_next(prefix)[0] and tok.banned_next(prefix)[tok.bos_token_id]


def test_every_four_byte_character_is_allowed_and_nothing_invalid():
    tok = CharTokenizer("a")
    for ch in ("🙂", "\U0010ffff", "\U00010000", "\u0800", "\ud7ff", "\x7f"):
        ids = tok.encode(ch)
        assert all(not tok.banned_next(ids[:t])[ids[t]] for t in range(1, len(ids))), ch
    surrogate_lead = [tok.bos_token_id, tok.byte_offset + 0xED]
    assert tok.banned_next(surrogate_lead)[tok.byte_offset + 0xA0]  # ED A0..: a UTF-16 surrogate
    assert tok.banned_next([tok.bos_token_id])[tok.byte_offset + 0xC0]  # overlong lead
    assert tok.banned_next([tok.bos_token_id])[tok.byte_offset + 0xF5]  # beyond U+10FFFF


def test_masked_token_distribution_sums_to_one_and_texts_are_exact():
    """All allowed two-token sequences: probabilities sum to 1; a text's log p is its one sequence's."""
    model = tiny_char_lm(vocab="ab")
    tok = model.tokenizer
    from genlab.families.autoregressive.generation import next_token_log_probs

    bos = tok.bos_token_id
    with torch.no_grad():
        first = next_token_log_probs(model.lm(input_ids=torch.tensor([[bos]])).logits[0], tok, [bos])[0]
        firsts = _allowed(tok, [bos])
        batch = torch.tensor([[bos, f] for f in firsts])
        logits = model.lm(input_ids=batch).logits[:, -1]
    total, checked = 0.0, 0
    for row, f in enumerate(firsts):
        second = next_token_log_probs(logits[row:row + 1], tok, [f])[0]
        total += float((first[f] + second).exp().sum())
        for s in itertools.islice(_allowed(tok, [bos, f]), 0, None, 37):  # a sample of whole texts
            text = tok.decode([f, s])
            if "\ufffd" not in text and len(tok.encode(text)) == 3:
                assert float(model.log_prob(text)[0]) == pytest.approx(float(first[f] + second[s]), abs=1e-4)
                checked += 1
    assert total == pytest.approx(1.0, abs=1e-4) and checked > 5
