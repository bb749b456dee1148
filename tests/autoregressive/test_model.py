"""The lab model honours the contract; its log-likelihood is exact (checked by brute force)."""

import itertools
import math

import numpy as np
import pytest
import torch
from conftest import tiny_char_lm
from contract import GenerativeModelContract

from genlab.errors import InputError
from genlab.families.autoregressive.generation import SamplingOptions, generate_text
from genlab.families.autoregressive.generation import next_token_log_probs
from genlab.families.autoregressive.scoring import next_token_logits, score_text


class TestCharLMContract(GenerativeModelContract):
    n_samples = 3
    sample_options = {"max_new_tokens": 12}

    def make_model(self):
        return tiny_char_lm()

    def make_data(self):
        return ["ab ba\n", "b"]


def total_probability(model, alphabet: str, length: int) -> float:
    """Sum of p(text) over texts of ``length`` vocabulary characters, plus the mass of leaving the vocabulary.

    Every other character is a byte sequence (``test_tokenizer`` checks that the allowed byte
    sequences are exactly the valid, canonical UTF-8 ones), so p(vocabulary character) + p(any byte
    token) = 1 after every prefix, and this total is 1 for an exact density.
    """
    tok = model.tokenizer
    texts = ["".join(t) for t in itertools.product(alphabet, repeat=length)]
    total = sum(math.exp(lp) for lp in model.log_prob(texts).tolist())
    for k in range(length):  # P(the first k characters are in the vocabulary, then a byte)
        for prefix in map("".join, itertools.product(alphabet, repeat=k)):
            ids = tok.encode(prefix)
            with torch.no_grad():
                logits = model.lm(input_ids=torch.tensor([ids])).logits[0, -1:]
            leaving = float(next_token_log_probs(logits, tok, ids[-1:])[0, tok.byte_offset:tok.bos_token_id].exp().sum())
            total += (math.exp(float(model.log_prob(prefix)[0])) if prefix else 1.0) * leaving
    return total


@pytest.mark.parametrize("length", [1, 2, 4])
def test_probabilities_of_all_texts_of_a_length_and_the_fallback_sum_to_one(length):
    assert total_probability(tiny_char_lm(vocab="ab\n"), "ab\n", length) == pytest.approx(1.0, abs=1e-5)


def test_brute_force_beyond_the_window():
    """Texts longer than the sliding window still form a distribution (the cache path is exact)."""
    model = tiny_char_lm(vocab="ab", block_size=3)
    assert total_probability(model, "ab", 6) == pytest.approx(1.0, abs=1e-5)


def test_log_prob_is_the_chain_rule_of_the_samplers_logits(char_lm):
    """log p(text) from scoring equals the sum of log p(x_t | x_<t) taken from generate's own logits."""
    gen = generate_text(char_lm.lm, char_lm.tokenizer, "ab", SamplingOptions(max_new_tokens=40, temperature=1.0,
                                                                              seed=3), context_length=16)
    tok = char_lm.tokenizer
    banned = tok.banned_at_each_position([tok.bos_token_id] + gen.token_ids[:-1])  # what generate may not pick
    log_probs = torch.log_softmax(gen.logits.masked_fill(banned, float("-inf")), dim=-1)
    from_generate = float(log_probs[torch.arange(len(gen.token_ids)), gen.token_ids].sum())
    prompt_and_text = score_text(char_lm.lm, char_lm.tokenizer, "ab" + gen.text)
    from_scoring = float(prompt_and_text.token_log_probs[2:].sum())
    assert from_scoring == pytest.approx(from_generate, abs=1e-4)


def test_chunked_scoring_equals_one_forward_pass(char_lm):
    ids = torch.tensor([char_lm.tokenizer.encode("ab ba\nab  a\nbb" * 3)])
    whole = next_token_logits(char_lm.lm, ids, chunk=10_000)
    for chunk in (1, 5, 16):
        torch.testing.assert_close(next_token_logits(char_lm.lm, ids, chunk=chunk), whole, atol=1e-5, rtol=1e-5)


def test_sliding_window_is_plain_causal_attention_within_the_block(char_lm):
    """Up to block_size tokens (all of training) the sliding-window model is the causal model."""
    from transformers import Qwen3ForCausalLM

    config = char_lm.lm.config.to_dict()
    config.update(use_sliding_window=False, layer_types=["full_attention"] * config["num_hidden_layers"])
    causal = Qwen3ForCausalLM(type(char_lm.lm.config)(**config)).eval()
    causal.load_state_dict(char_lm.lm.state_dict())
    ids = torch.tensor([char_lm.tokenizer.encode("ab ba\nab  a\nbb")[:16]])
    with torch.no_grad():
        torch.testing.assert_close(char_lm.lm(input_ids=ids).logits, causal(input_ids=ids).logits)


def test_score_details(char_lm):
    score = score_text(char_lm.lm, char_lm.tokenizer, "ab a", top_k=3)
    assert score.tokens == list("ab a") and score.top_ids.shape == (4, 3)
    assert score.bits_per_char == pytest.approx(-score.log_prob / 4 / math.log(2))
    assert np.all(score.top_log_probs[:, 0].numpy() >= score.token_log_probs.numpy() - 1e-6)


@pytest.mark.parametrize("prompt", ["xyz", "Привет", "日本", "🙂", "a\x07b"])
def test_characters_outside_the_vocabulary_are_accepted(char_lm, prompt):
    """Once an error ("not in the vocabulary"); now bytes, so any prompt samples and scores."""
    texts = char_lm.sample(2, condition=prompt, seed=0, max_new_tokens=8)
    assert len(texts) == 2 and all("\ufffd" not in t for t in texts)
    assert float(char_lm.log_prob(prompt)[0]) < 0


def test_empty_text_is_an_input_error(char_lm):
    with pytest.raises(InputError, match="text"):
        char_lm.log_prob("")


def test_pieces_merge_byte_tokens_into_whole_characters(char_lm):
    text = "ab 日🙂я\x07"
    score = score_text(char_lm.lm, char_lm.tokenizer, text, top_k=2)
    assert score.pieces == list(text) and len(score.token_ids) > len(text)
    bounds = score.piece_starts + [len(score.token_ids)]
    for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
        assert float(score.piece_log_probs[k]) == pytest.approx(float(score.token_log_probs[a:b].sum()), abs=1e-6)
    assert float(score.piece_log_probs.sum()) == pytest.approx(score.log_prob, abs=1e-4)
    assert score.nats_per_char == pytest.approx(-score.log_prob / len(text))


def test_a_character_split_across_scoring_chunks_is_scored_as_in_one_pass(char_lm):
    text = "a日🙂b日日🙂a"  # 3- and 4-byte characters at every offset of 2-token chunks
    whole = score_text(char_lm.lm, char_lm.tokenizer, text, chunk=10_000)
    for chunk in (1, 2, 3, 5):
        torch.testing.assert_close(score_text(char_lm.lm, char_lm.tokenizer, text, chunk=chunk).token_log_probs,
                                   whole.token_log_probs, atol=1e-5, rtol=1e-5)
    assert torch.isfinite(whole.token_log_probs).all()
