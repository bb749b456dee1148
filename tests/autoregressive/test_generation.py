"""Streaming, seeds, sampling options, stop strings and the stop flag, checked against references."""

import threading

import pytest
import torch
from conftest import tiny_char_lm

from genlab.errors import InputError
from genlab.families.autoregressive.generation import (IncrementalDecoder, SamplingOptions, generate_text,
                                                       stream_text)


def opts(**kw):
    return SamplingOptions(**{"max_new_tokens": 60, "seed": 11, **kw})


@pytest.mark.parametrize("kw", [{}, {"temperature": 0}, {"top_k": 2, "top_p": 0.8, "repetition_penalty": 1.3},
                                {"stop": ("a ",)}])
def test_streamed_text_equals_the_non_streamed_text(char_lm, kw):
    options = opts(**kw)
    *pieces, result = stream_text(char_lm.lm, char_lm.tokenizer, "ab", options, context_length=16)
    plain = generate_text(char_lm.lm, char_lm.tokenizer, "ab", options, context_length=16)
    assert "".join(pieces) == result.text == plain.text
    assert result.token_ids == plain.token_ids and len(pieces) == len(plain.token_ids)


def test_same_seed_same_text_and_seeds_differ(char_lm):
    a = generate_text(char_lm.lm, char_lm.tokenizer, "ab", opts(seed=1)).text
    assert a == generate_text(char_lm.lm, char_lm.tokenizer, "ab", opts(seed=1)).text
    assert a != generate_text(char_lm.lm, char_lm.tokenizer, "ab", opts(seed=2)).text


def test_seed_is_independent_of_the_global_generator(char_lm):
    torch.manual_seed(0)
    a = generate_text(char_lm.lm, char_lm.tokenizer, "ab", opts(seed=5)).text
    torch.manual_seed(99)
    torch.rand(1000)
    assert generate_text(char_lm.lm, char_lm.tokenizer, "ab", opts(seed=5)).text == a


def test_random_seed_is_reported_and_reproduces(char_lm):
    first = generate_text(char_lm.lm, char_lm.tokenizer, "ab", opts(seed=-1))
    again = generate_text(char_lm.lm, char_lm.tokenizer, "ab", opts(seed=first.seed))
    assert again.text == first.text


def manual_greedy(model, prompt, n):
    ids = model.tokenizer.encode(prompt)
    with torch.no_grad():
        for _ in range(n):
            logits = model.lm(input_ids=torch.tensor([ids])).logits[0, -1]
            logits[model.tokenizer.bos_token_id] = float("-inf")
            ids.append(int(logits.argmax()))
    return model.tokenizer.decode(ids[len(prompt) + 1:])


def test_temperature_zero_and_top_k_one_are_greedy(char_lm):
    reference = manual_greedy(char_lm, "ab", 12)
    assert generate_text(char_lm.lm, char_lm.tokenizer, "ab", opts(temperature=0, max_new_tokens=12)).text == reference
    assert generate_text(char_lm.lm, char_lm.tokenizer, "ab", opts(top_k=1, max_new_tokens=12)).text == reference


def test_sampled_frequencies_follow_the_model():
    """First-token frequencies over many seeds match softmax(logits / T) (chi-square style bound)."""
    model = tiny_char_lm(vocab="abc")
    with torch.no_grad():
        logits = model.lm(input_ids=torch.tensor([model.tokenizer.encode("ab")])).logits[0, -1, :3]
    expected = torch.softmax(logits / 0.7, -1)
    texts = model.sample(1000, condition="ab", seed=4, max_new_tokens=1, temperature=0.7)
    observed = torch.tensor([texts.count(ch) / len(texts) for ch in "abc"])
    assert torch.allclose(observed, expected, atol=4 * (0.25 / 1000) ** 0.5)


def test_top_p_keeps_only_the_nucleus():
    model = tiny_char_lm(vocab="abcdefgh", seed=3)
    with torch.no_grad():
        logits = model.lm(input_ids=torch.tensor([model.tokenizer.encode("ab")])).logits[0, -1, :8]
    probs = torch.softmax(logits, -1)
    order = probs.argsort(descending=True)
    nucleus = set()
    total = 0.0
    for i in order.tolist():  # the smallest set of most likely tokens with mass >= top_p
        nucleus.add("abcdefgh"[i])
        total += float(probs[i])
        if total >= 0.6:
            break
    texts = set(model.sample(300, condition="ab", seed=1, max_new_tokens=1, top_p=0.6))
    assert texts <= nucleus and len(texts) >= 1


def test_stop_strings_end_generation(char_lm):
    result = generate_text(char_lm.lm, char_lm.tokenizer, "ab", opts(stop=("b",), max_new_tokens=200))
    assert result.stopped_by == "stop string" and result.text.endswith("b") and result.text.count("b") == 1


def test_stop_flag_really_stops_generate(char_lm):
    """Setting the flag mid-stream ends generate itself at the next token (not just the UI loop)."""
    flag = threading.Event()
    pieces = []
    for item in stream_text(char_lm.lm, char_lm.tokenizer, "ab", opts(max_new_tokens=4000), stop_event=flag):
        if isinstance(item, str):
            pieces.append(item)
            if len(pieces) == 5:
                flag.set()
        else:
            result = item
    assert result.stopped_by == "user"
    assert len(result.token_ids) <= 7 and len(result.logits) == len(result.token_ids)
    assert threading.active_count() < 50 and not any(t.name == "genlab-generate" for t in threading.enumerate())


def test_closing_the_stream_stops_the_worker(char_lm):
    stream = stream_text(char_lm.lm, char_lm.tokenizer, "ab", opts(max_new_tokens=4000))
    next(stream)
    stream.close()
    assert not any(t.name == "genlab-generate" for t in threading.enumerate())


@pytest.mark.parametrize("kw, param", [({"temperature": -0.1}, "temperature"), ({"top_p": 0.0}, "top_p"),
                                       ({"top_p": 1.5}, "top_p"), ({"max_new_tokens": 0}, "max_new_tokens"),
                                       ({"max_new_tokens": 10**6}, "max_new_tokens"), ({"top_k": -1}, "top_k"),
                                       ({"repetition_penalty": 0}, "repetition_penalty"), ({"stop": ("",)}, "stop"),
                                       ({"seed": 1.5}, "seed")])
def test_bad_options_name_the_parameter(char_lm, kw, param):
    with pytest.raises(InputError) as err:
        generate_text(char_lm.lm, char_lm.tokenizer, "ab", opts(**kw))
    assert err.value.param == param


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t"])
def test_empty_prompt_is_an_input_error(char_lm, prompt):
    with pytest.raises(InputError, match="prompt"):
        list(stream_text(char_lm.lm, char_lm.tokenizer, prompt, opts(), context_length=16))


def test_prompt_longer_than_the_context_is_an_input_error(char_lm):
    with pytest.raises(InputError, match="context") as err:
        generate_text(char_lm.lm, char_lm.tokenizer, "ab" * 20, opts(), context_length=16)
    assert "контекст" in err.value.message("ru")


def test_incremental_decoder_equals_full_decode_for_byte_level_bpe():
    from tiny_qwen import make_tokenizer

    tok = make_tokenizer()
    from genlab.families.autoregressive.pretrained import HFTokenizerAdapter

    adapter = HFTokenizerAdapter(tok)
    text = "Кратко: чем диффузия отличается от GAN? 🙂 ünïcödé"
    ids = adapter.encode(text, add_bos=False)
    decoder = IncrementalDecoder(adapter)
    pieces = [decoder.push(i) for i in ids]
    assert "".join(pieces) == text
    assert all("\ufffd" not in p for p in pieces)
