"""The Autoregressive section's handlers (no UI), the tab's wiring, the widget, the CLI's notebook,
on a small trained model standing in for the shipped one."""

import copy
import functools
import json
import math

import pytest

from genlab.errors import InputError
from genlab.families.autoregressive import pipeline
from genlab.families.autoregressive.pipeline import TextRequest
from genlab.provenance import read_provenance
from genlab.sections import autoregressive as handlers

QWEN = pipeline.QWEN


def values(**changes):
    """The handler's arguments: the request's defaults, changed."""
    return {**TextRequest.defaults(), **changes}


@pytest.fixture()
def lab(monkeypatch, trained_dir):
    model = pipeline.load_text_model(str(trained_dir))
    monkeypatch.setattr(pipeline, "load_text_model", lambda name, allow_download=False: model)
    return model


def test_generate_streams_then_shows_probabilities(lab):
    updates = list(handlers.generate(**values(max_new_tokens=40, seed=3), lang="ru", every=0))
    texts = [u[0] for u in updates]
    assert all(b.startswith(a) for a, b in zip(texts, texts[1:]))  # the text only grows
    assert len(updates) >= 40  # every=0: one update per token
    text, stats, tokens_html, notebook, session = updates[-1]
    assert "токенов/с" in stats and "сид 3" in stats and "лимит токенов" in stats
    tokens = session["tokens"]
    assert "".join(tokens.pieces) == text and len(tokens.pieces) == 40
    assert all(0 <= p <= 1 for p in tokens.probabilities)
    assert tokens_html.count('class="tok"') == 40 and "p = 0 (маловероятно)" in tokens_html
    note, rows = handlers.alternatives(session, 5, "en")
    probs = [p for _, p in rows]
    assert probs == sorted(probs, reverse=True) and sum(probs) <= 1 + 1e-6
    assert f"{tokens.probabilities[5]:.3f}" in note
    again = list(handlers.generate(**values(max_new_tokens=40, seed=3), lang="ru"))[-1][0]
    assert again == text
    nb = json.loads(open(notebook).read())
    assert nb["metadata"]["genlab"]["seed"] == 3 and "TextRequest(" in "".join(nb["cells"][1]["source"])


def test_updates_are_joined_when_the_page_is_slower_than_the_model(lab):
    import time

    updates = []
    for update in handlers.generate(**values(max_new_tokens=200, seed=4), every=0.05):
        updates.append(update[0])
        time.sleep(0.01)
    assert updates[-1] == list(handlers.generate(**values(max_new_tokens=200, seed=4), every=0))[-1][0]
    assert len(updates) < 200  # one update carries every token written meanwhile


def test_newlines_are_line_breaks_in_the_token_view():
    from genlab.viz.tokens import token_html

    out = token_html(["a", "\n", "b"], [0.9, 0.2, 0.5], low_label="lo", high_label="hi")
    assert out.count('class="tok"') == 3 and '↵</span>\n</span>' in out and "linear-gradient" in out
    assert token_html([], [], low_label="lo", high_label="hi") == ""


def test_stop_button_stops_this_sessions_generation(lab):
    stream = handlers.generate(**values(max_new_tokens=2000, seed=1), every=0)
    *_, session = next(stream)
    other = handlers.new_session()
    for i, (text, stats, _, _, session) in enumerate(stream):
        if i == 3:
            handlers.stop(session)
    assert "Stop button" in stats and len(text) < 50
    assert not other["stop"].is_set()  # another user's flag is untouched


def test_session_state_survives_copying():
    session = handlers.new_session()
    handlers.stop(copy.deepcopy(session))
    assert session["stop"].is_set()


@pytest.mark.parametrize("change, param", [({"prompt": "  "}, "prompt"), ({"temperature": -0.5}, "temperature"),
                                           ({"top_p": 0.0}, "top_p"), ({"max_new_tokens": 99999}, "max_new_tokens"),
                                           ({"seed": 2.5}, "seed"), ({"model": "/etc"}, "model")])
def test_bad_input_names_the_parameter(lab, change, param):
    with pytest.raises(InputError) as err:
        list(handlers.generate(**values(**change)))
    assert err.value.param == param


def test_model_defaults_are_the_lectures_for_qwen():
    qwen = handlers.model_defaults(QWEN, "ru")
    assert (qwen["temperature"], qwen["top_p"], qwen["max_new_tokens"]) == (0.7, 0.9, 64)
    assert qwen["prompt"] == "Кратко (5–7 предложений): чем диффузия концептуально отличается от GAN?"
    assert handlers.model_defaults(QWEN, "en")["prompt"].startswith("Briefly")
    lab = handlers.model_defaults("lab", "en")
    assert (lab["temperature"], lab["max_new_tokens"], lab["prompt"]) == (0.8, 300, "ROMEO:\n")


def test_true_and_false_statements_side_by_side(lab):
    true_text, false_text = pipeline.default_statements("en")
    rows, notebook = handlers.score_statements("lab", true_text, false_text, "en")
    assert [r[0] for r in rows] == [true_text, false_text]
    for text, log_p, bpc, tokens in rows:
        assert log_p < 0 and bpc == pytest.approx(-log_p / len(text) / math.log(2), rel=1e-3) and tokens == len(text)
    assert "StatementsRequest(" in open(notebook).read()


def test_user_errors_wrapper_turns_input_errors_into_toasts(lab):
    import gradio as gr

    from genlab.app.common import user_errors

    wrapped = user_errors("ru")(functools.partial(handlers.generate, lang="ru"))  # as the tab wires it
    with pytest.raises(gr.Error, match="Запрос: не может быть пустым"):  # its label on the page
        list(wrapped(**values(prompt="")))


def test_missing_pretrained_weights_is_a_translated_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    pipeline.load_text_model.cache_clear()
    with pytest.raises(InputError) as err:
        pipeline.generate(TextRequest.for_model(QWEN, seed=0))
    assert "Hugging Face" in err.value.message("en") and "кэше" in err.value.message("ru")


def test_widget_streams_and_colours_tokens(lab):
    from genlab.widgets.autoregressive_widget import WRAPPED, autoregressive

    box = autoregressive("en")
    box.controls["max_new_tokens"].value = 30
    box.controls["seed"].value = 5
    box.stream()
    assert len(box.text_view.value) > len(WRAPPED.format(""))
    assert "tokens/s" in box.stats.value and "seed 5" in box.stats.value
    assert box.probabilities.value.count('class="tok"') == 30
    box.controls["prompt"].value = " "
    box.stream()
    assert "prompt" in box.stats.value
    qwen = autoregressive("ru", model=QWEN)
    assert qwen.controls["max_new_tokens"].value == 64 and qwen.controls["prompt"].value.startswith("Кратко")


def test_render_builds_the_tab_with_stable_api_names():
    import gradio as gr

    from genlab.app.tabs import autoregressive as tab
    from genlab.i18n import Translator

    with gr.Blocks() as demo:
        tab.render("ru")
    tr = Translator("autoregressive", "ru")
    labels = {getattr(c, "label", None) for c in demo.blocks.values()}
    assert {tr.label("temperature"), tr.label("top_p"), tr.label("max_new_tokens")} <= labels
    names = {fn.api_name for fn in demo.fns.values()}
    assert {"autoregressive_generate", "autoregressive_stop", "autoregressive_score", "autoregressive_alternatives",
            "autoregressive_model_defaults"} <= names
    stop = next(fn for fn in demo.fns.values() if fn.api_name == "autoregressive_stop")
    assert stop.queue is False  # Stop never waits behind queued events
    prompt = next(c for c in demo.blocks.values() if getattr(c, "elem_id", None) == "autoregressive-prompt")
    assert prompt.value == pipeline.default_prompt("lab", "ru")


def test_cli_sample_writes_a_notebook_of_the_same_text(trained_dir, tmp_path):
    from typer.testing import CliRunner

    from genlab.cli import app

    out, notebook = tmp_path / "romeo.txt", tmp_path / "romeo.ipynb"
    result = CliRunner().invoke(app, ["sample", "autoregressive", "--model", str(trained_dir), "-n", "20",
                                      "--seed", "9", "--out", str(out), "--notebook", str(notebook)])
    assert result.exit_code == 0, result.output
    code = "".join(json.loads(notebook.read_text())["cells"][1]["source"])
    assert "seed=9" in code and "max_new_tokens=20" in code
    assert read_provenance(out)["params"]["max_new_tokens"] == 20


def test_cli_help_names_each_presets_own_value():
    from genlab.cli_options import option_help

    assert "Default: 0.8; 0.7 for Qwen/Qwen3-VL-2B-Instruct." in option_help(TextRequest, "temperature")
    assert "Default: 300; 64 for Qwen" in option_help(TextRequest, "max_new_tokens")
