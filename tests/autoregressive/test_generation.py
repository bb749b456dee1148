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
    assert result.token_ids == plain.token_ids and all(piece and "\ufffd" not in piece for piece in pieces)
    tok = char_lm.tokenizer  # every token is in exactly one piece (a character may be several byte tokens)
    assert sum(len(tok.encode(piece, add_bos=False)) for piece in pieces) == len(plain.token_ids)


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


def first_token_probs(model, prompt, temperature=1.0):
    """The model's distribution of the first new token: softmax over the allowed tokens."""
    from genlab.families.autoregressive.generation import next_token_log_probs

    ids = model.tokenizer.encode(prompt)
    with torch.no_grad():
        logits = model.lm(input_ids=torch.tensor([ids])).logits[0, -1:] / temperature
    return next_token_log_probs(logits, model.tokenizer, ids[-1:])[0].exp()


def first_tokens(model, prompt, n, **options):
    from genlab.families.autoregressive.generation import encode_prompt, start_generation

    input_ids = encode_prompt(model.tokenizer, prompt, None).repeat(n, 1)
    out, _ = start_generation(model.lm, model.tokenizer, input_ids, SamplingOptions(max_new_tokens=1, **options).checked())
    return out.sequences[:, -1]


def test_sampled_frequencies_follow_the_model():
    """First-token frequencies over many draws match softmax(logits / T) over the allowed tokens."""
    model = tiny_char_lm(vocab="abc")
    expected = first_token_probs(model, "ab", temperature=0.7)
    drawn = first_tokens(model, "ab", 2000, seed=4, temperature=0.7)
    observed = torch.bincount(drawn, minlength=len(expected)).double() / len(drawn)
    assert observed[expected == 0].sum() == 0  # never a banned token
    groups = [[0], [1], [2], list(range(3, len(expected)))]  # a, b, c, any byte
    for group in groups:
        assert float(observed[group].sum()) == pytest.approx(float(expected[group].sum()), abs=4 * (0.25 / 2000) ** 0.5)


def test_top_p_keeps_only_the_nucleus():
    model = tiny_char_lm(vocab="abcdefgh", seed=3)
    probs = first_token_probs(model, "ab")
    nucleus, total = set(), 0.0
    for i in probs.argsort(descending=True).tolist():  # the smallest set of most likely tokens with mass >= top_p
        nucleus.add(i)
        total += float(probs[i])
        if total >= 0.6:
            break
    drawn = set(first_tokens(model, "ab", 300, seed=1, top_p=0.6).tolist())
    assert drawn <= nucleus and len(drawn) >= 1


def test_stop_strings_end_generation(trained_dir):
    from genlab.families.autoregressive.pipeline import load_char_lm

    model = load_char_lm(trained_dir)
    result = generate_text(model.lm, model.tokenizer, "ROMEO:\n", opts(stop=("e",), max_new_tokens=200))
    assert result.stopped_by == "stop string" and result.text.endswith("e") and result.text.count("e") == 1


def stream_and_stop(model, prompt, after_pieces):
    """Stream ``prompt``'s continuation and set the stop flag once ``after_pieces`` pieces have come."""
    flag = threading.Event()
    pieces = []
    for item in stream_text(model.lm, model.tokenizer, prompt, opts(max_new_tokens=4000), stop_event=flag):
        if isinstance(item, str):
            pieces.append(item)
            if len(pieces) == after_pieces:
                flag.set()
        else:
            result = item
    return result


def test_stop_flag_really_stops_generate(char_lm):
    """Setting the flag mid-stream ends generate itself at the next token (not just the UI loop)."""
    result = stream_and_stop(char_lm, "ab", 5)
    assert result.stopped_by == "user"
    assert len(result.text) <= 7 and len(result.logits) == len(result.token_ids)
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


def cyrillic_lm():
    return tiny_char_lm(vocab="аб \nя", seed=5)


@pytest.mark.parametrize("prompt", ["аб", "日本", "🙂"])
def test_streaming_never_shows_half_a_character(prompt):
    """High temperature makes the tiny model write byte tokens: pieces are still whole characters."""
    model = cyrillic_lm()
    for seed in range(3):
        options = opts(seed=seed, temperature=2.0, max_new_tokens=80)
        *pieces, result = stream_text(model.lm, model.tokenizer, prompt, options, context_length=16)
        plain = generate_text(model.lm, model.tokenizer, prompt, options, context_length=16)
        assert "".join(pieces) == result.text == plain.text
        assert all(p and "\ufffd" not in p for p in pieces)
        assert model.tokenizer.encode(result.text, add_bos=False) == result.token_ids  # the one token sequence
    assert any(model.tokenizer.fallback_characters(p) for p in pieces)  # bytes really were generated


def test_cyrillic_stop_string_and_stop_flag():
    model = cyrillic_lm()
    text = generate_text(model.lm, model.tokenizer, "аб", opts(seed=2, temperature=0.5, max_new_tokens=200)).text
    stop = next(ch for ch in text if ch in "абя")
    result = generate_text(model.lm, model.tokenizer, "аб", opts(seed=2, temperature=0.5, max_new_tokens=200,
                                                                stop=(stop,)))
    assert result.stopped_by == "stop string" and result.text == text[:text.index(stop) + 1]
    result = stream_and_stop(model, "Привет", 3)
    assert result.stopped_by == "user" and len(result.token_ids) <= 12


def test_stop_string_outside_the_vocabulary():
    """A stop string the model writes as bytes (an emoji) is found in the decoded tail."""
    model = tiny_char_lm(vocab="ab")
    for seed in range(40):
        text = generate_text(model.lm, model.tokenizer, "ab", opts(seed=seed, temperature=3.0, max_new_tokens=60)).text
        odd = next((ch for ch in text if ord(ch) > 0x7FF), None)
        if odd:
            break
    assert odd, "no multi-byte character in 40 samples"
    result = generate_text(model.lm, model.tokenizer, "ab", opts(seed=seed, temperature=3.0, max_new_tokens=60,
                                                                stop=(odd,)))
    assert result.stopped_by == "stop string" and result.text == text[:text.index(odd) + 1]


def test_generation_probabilities_are_per_character():
    from genlab.families.autoregressive.scoring import generation_probabilities

    model = cyrillic_lm()
    result = generate_text(model.lm, model.tokenizer, "аб", opts(seed=1, temperature=2.0, max_new_tokens=80))
    probs = generation_probabilities(result, model.tokenizer)
    assert probs.pieces == list(result.text)
    assert float(probs.piece_log_probs.sum()) == pytest.approx(float(probs.token_log_probs.sum()), rel=1e-6)
    assert probs.top_ids.shape == (len(result.token_ids), 5)
