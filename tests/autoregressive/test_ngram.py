"""The n-gram baselines: proper distributions, and the discounting formula on a hand-countable text."""

import math

import pytest

from genlab.families.autoregressive.ngram import CharNGram

TEXT = "abracadabra abracadabra"
VOCAB = sorted(set(TEXT) | {"z"})


@pytest.mark.parametrize("order", [1, 2, 3, 5])
@pytest.mark.parametrize("context", ["", "a", "ab", "zz", "abra", "cadab"])
def test_each_context_gives_a_distribution(order, context):
    model = CharNGram(order).fit(TEXT, VOCAB)
    assert sum(model.prob(context, c) for c in VOCAB) == pytest.approx(1.0)
    assert all(model.prob(context, c) > 0 for c in VOCAB)


def test_bigram_matches_the_formula_by_hand():
    model = CharNGram(2, discount=0.5).fit(TEXT, VOCAB)
    unigram_b = (TEXT.count("b") + 1) / (len(TEXT) + len(VOCAB))
    # after "a": 'ab' x4, 'ac' x2, 'ad' x2, 'a ' x1 -> C(a.) = 9 (the last 'a' has no successor), 4 types
    expected = (4 - 0.5) / 9 + 0.5 * 4 / 9 * unigram_b
    assert model.prob("a", "b") == pytest.approx(expected)


def test_higher_order_fits_its_training_text_better():
    text = TEXT * 20
    nats = [CharNGram(n).fit(text, VOCAB).nats_per_char(text) for n in (1, 2, 5)]
    assert nats[0] > nats[1] > nats[2] and nats[0] <= math.log(len(VOCAB))
