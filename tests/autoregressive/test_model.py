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
from genlab.families.autoregressive.scoring import next_token_logits, score_text


class TestCharLMContract(GenerativeModelContract):
    n_samples = 3
    sample_options = {"max_new_tokens": 12}

    def make_model(self):
        return tiny_char_lm()

    def make_data(self):
        return ["ab ba\n", "b"]


@pytest.mark.parametrize("length", [1, 2, 4])
def test_probabilities_of_all_texts_of_a_length_sum_to_one(length):
    model = tiny_char_lm(vocab="ab\n")
    texts = ["".join(t) for t in itertools.product("ab\n", repeat=length)]
    total = sum(math.exp(lp) for lp in model.log_prob(texts).tolist())
    assert total == pytest.approx(1.0, abs=1e-5)


def test_brute_force_beyond_the_window():
    """Texts longer than the sliding window still form a distribution (the cache path is exact)."""
    model = tiny_char_lm(vocab="ab", block_size=3)
    texts = ["".join(t) for t in itertools.product("ab", repeat=6)]
    assert sum(math.exp(lp) for lp in model.log_prob(texts).tolist()) == pytest.approx(1.0, abs=1e-5)


def test_log_prob_is_the_chain_rule_of_the_samplers_logits(char_lm):
    """log p(text) from scoring equals the sum of log p(x_t | x_<t) taken from generate's own logits."""
    gen = generate_text(char_lm.lm, char_lm.tokenizer, "ab", SamplingOptions(max_new_tokens=40, temperature=1.0,
                                                                              seed=3), context_length=16)
    log_probs = torch.log_softmax(gen.logits[:, :-1], dim=-1)  # the last id is BOS, never generated
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


def test_unknown_characters_are_input_errors(char_lm):
    with pytest.raises(InputError, match="prompt"):
        char_lm.sample(1, condition="xyz", seed=0, max_new_tokens=3)
