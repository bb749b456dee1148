"""Streaming to a slow consumer: pieces are joined, never queued up behind it (issue 15)."""

import time

from genlab.families.autoregressive.generation import SamplingOptions, generate_text, stream_text


def test_a_slow_consumer_gets_the_newest_text_in_few_pieces(char_lm):
    options = SamplingOptions(max_new_tokens=200, temperature=1.0, seed=5)
    per_token = list(stream_text(char_lm.lm, char_lm.tokenizer, "ab", options))
    pieces = []
    for item in stream_text(char_lm.lm, char_lm.tokenizer, "ab", options, every=0.05):
        if isinstance(item, str):
            pieces.append(item)
            time.sleep(0.02)  # a consumer slower than the model (a web page: one message per piece)
    result = item
    assert "".join(pieces) == result.text == "".join(per_token[:-1])
    assert result.text == generate_text(char_lm.lm, char_lm.tokenizer, "ab", options).text
    assert len(pieces) < len(per_token) - 1  # tokens were joined


def test_at_most_one_piece_per_interval(char_lm):
    options = SamplingOptions(max_new_tokens=300, temperature=1.0, seed=6)
    started = time.perf_counter()
    pieces = [x for x in stream_text(char_lm.lm, char_lm.tokenizer, "ab", options, every=0.05) if isinstance(x, str)]
    elapsed = time.perf_counter() - started
    assert len(pieces) <= elapsed / 0.05 + 2
