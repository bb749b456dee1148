"""Character n-gram models: the classical baselines for the transformer's bits per character.

p(c | h) with interpolated absolute discounting (Ney, Essen & Kneser 1994), recursively down to a
Laplace-smoothed unigram over the whole vocabulary::

    p(c | h) = max(C(hc) - d, 0) / C(h)  +  d * N1+(h .) / C(h) * p(c | h')

where h' drops the oldest character of h, C counts in the training text and N1+(h .) is the
number of distinct characters seen after h; an unseen context falls back to p(c | h').  Order 1 is
the unigram, order 2 the bigram, order 5 the smoothed 5-gram.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from genlab.data.text import char_vocabulary


class CharNGram:
    """A character n-gram model of order ``order`` (1 = unigram) fitted by ``fit(text)``."""

    def __init__(self, order: int = 5, discount: float = 0.75):
        if order < 1 or not 0 < discount < 1:
            raise ValueError("order >= 1 and 0 < discount < 1")
        self.order = order
        self.discount = discount

    def fit(self, text: str, vocab) -> "CharNGram":
        self.vocab_ = sorted(set(vocab))
        unigram = Counter(text)
        total = len(text)
        self.unigram_ = {c: (unigram[c] + 1) / (total + len(self.vocab_)) for c in self.vocab_}  # Laplace
        self.counts_ = []  # per context length k >= 1: {(h, c): count}, {h: total}, {h: distinct}
        for k in range(1, self.order):
            grams = Counter(text[i:i + k + 1] for i in range(len(text) - k))
            totals, types = defaultdict(int), defaultdict(int)
            for gram, count in grams.items():
                totals[gram[:-1]] += count
                types[gram[:-1]] += 1
            self.counts_.append((grams, dict(totals), dict(types)))
        return self

    def prob(self, context: str, char: str) -> float:
        """p(char | the last order-1 characters of context)."""
        p = self.unigram_.get(char, 0.0)
        for k in range(1, self.order):
            if len(context) < k:
                break
            h = context[-k:]
            grams, totals, types = self.counts_[k - 1]
            total = totals.get(h)
            if not total:
                continue  # unseen context: keep the lower-order estimate (longer ones are unseen too)
            p = max(grams.get(h + char, 0) - self.discount, 0) / total + self.discount * types[h] / total * p
        return p

    def nats_per_char(self, text: str) -> float:
        """Mean -log p(x_t | x_<t) over ``text`` (the first characters use shorter contexts)."""
        nll = 0.0
        for t, char in enumerate(text):
            nll -= math.log(self.prob(text[max(0, t - self.order + 1):t], char))
        return nll / len(text)


def ngram_nats_per_char(text: str, training_text: str, order: int = 5) -> float:
    """Nats per character of ``text`` under a character ``order``-gram fitted on ``training_text``.

    The vocabulary is every character of both texts, so a character never seen in training keeps
    the unigram's Laplace share instead of probability zero.
    """
    return CharNGram(order).fit(training_text, char_vocabulary(training_text + text)).nats_per_char(text)
