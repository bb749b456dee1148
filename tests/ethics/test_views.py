"""The Ethics section's handlers, pipeline, pages and widget (without a browser)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from genlab.app.tabs import SECTIONS
from genlab.app.tabs import ethics as tab
from genlab.errors import InputError
from genlab.ethics.pipeline import BiasRequest
from genlab.ethics.pages import DEMOS, page_path, pages
from genlab.i18n import LANGS
from genlab.provenance import Verdict, read_provenance
from genlab.sections import ethics as handlers


def test_pages_cover_the_lecture_and_link_to_existing_demos():
    assert [p.key for p in pages("en")] == [p.key for p in pages("ru")] == [key for key, _ in DEMOS]
    assert len(pages("en")) == 7
    for lang in LANGS:
        targets = {t for p in pages(lang) for t, _ in p.demos}
        assert "autoregressive" in targets                 # plausibility is not truth
        for t in targets:
            section, _, anchor = t.partition("#")
            assert section in SECTIONS
            assert anchor in ("", "bias", "verify")
        for p in pages(lang):
            assert p.demos and all(text for _, text in p.demos), p.key   # every page links to a demo
            assert p.title and not p.title.startswith("#")
            assert p.body.count("$") % 2 == 0               # balanced inline math
    # the Russian pages carry the lecture's own key sentences
    ru = " ".join(p.body for p in pages("ru"))
    assert "не «исправляет» данные" in ru and "справедливость — не цель генеративного обучения" in ru.replace("**", "").lower()
    assert "KL(\\mathrm{Bern}" in " ".join(p.body for p in pages("en")).replace("\\mathrm{KL}", "KL")


def test_every_page_has_a_markdown_file_in_every_language_and_no_other():
    for lang in LANGS:
        folder = page_path("intro", lang).parent
        assert {p.stem for p in folder.glob("*.md")} == {key for key, _ in DEMOS}


def test_tab_link_js_targets_the_tab_button():
    js = tab.tab_link_js("autoregressive")
    assert 'data-tab-id=\\"autoregressive\\"' in js or 'data-tab-id="autoregressive"' in js
    assert "tab-autoregressive-button" in js
    assert "ethics-bias" in tab.tab_link_js("ethics#bias")


def controls(**changes) -> dict:
    """The tab's controls' values: the request's defaults with ``changes``."""
    return {**{name: BiasRequest.defaults()[name] for name in BiasRequest.control_names()}, **changes}


def test_the_handler_takes_the_controls_by_name():
    import inspect

    assert list(inspect.signature(handlers.run_bias).parameters) == [*BiasRequest.control_names(), "lang"]


@pytest.mark.parametrize("lang", LANGS)
def test_run_bias_numbers_figure_results_file_and_notebook(lang):
    import nbformat

    fig, rows, summary, path, notebook = handlers.run_bias(**controls(model="gmm", minority=0.1, target=0.5,
                                                                      n_train=1000, seed=0), lang=lang)
    assert len(rows) == 5 and len(rows[0]) == len(handlers.table_headers(lang))
    freqs = [r[1] for r in rows]
    assert abs(freqs[0] - 0.1) < 0.04                      # replicated
    assert all(abs(f - 0.5) < 0.06 for f in freqs[1:])     # every remedy moves it
    assert "0.368" in summary                              # KL(Bern(0.1) || Bern(0.5))
    rec = read_provenance(path)
    assert rec["kind"] == "ethics.bias" and rec["params"]["minority"] == 0.1 and rec["label"] == "AI-generated"
    assert len(fig.axes) == 2 + 6                          # frequency and fit; data and five remedies
    titles = " ".join(ax.get_title() for ax in fig.axes)
    assert ("перевзвешивание" in titles) == (lang == "ru") and ("reweighting" in titles) == (lang == "en")
    nb = nbformat.read(notebook, as_version=4)
    assert nb.metadata["genlab"]["params"]["n_train"] == 1000 and f"lang={lang!r}" in nb.cells[1].source


def test_bias_rejects_bad_input():
    with pytest.raises(InputError, match="minority"):
        handlers.run_bias(**controls(minority=0.9))
    with pytest.raises(InputError, match="n_train"):
        handlers.run_bias(**controls(n_train=50))


def test_verify_genlab_file_resaved_file_and_foreign_file(tmp_path):
    path, summary, report = handlers.make_example(3, "en")
    assert report["watermark"]["detected"] and "genlab made this file" in summary
    assert report["provenance"] is Verdict.METADATA
    Image.open(path).convert("RGB").save(tmp_path / "resaved.png")
    summary, report = handlers.verify(tmp_path / "resaved.png", "ru")
    assert "Водяной знак genlab найден" in summary and report["provenance"] is Verdict.WATERMARK_ONLY
    Image.fromarray(np.full((300, 300, 3), 90, np.uint8)).save(tmp_path / "foreign.png")
    summary, report = handlers.verify(str(tmp_path / "foreign.png"), "en")
    assert "No provenance found" in summary and report["provenance"] is Verdict.NONE
    with pytest.raises(InputError) as err:
        handlers.verify(None, "en")
    assert err.value.param == "file" and "сначала загрузите файл" in err.value.message("ru")


def test_every_verdict_and_mismatch_has_its_words_in_both_languages():
    from genlab.i18n import Translator
    from genlab.provenance import Mismatch

    for lang in LANGS:
        tr = Translator("ethics", lang)
        for verdict in Verdict:
            assert tr.get(f"verdict_{verdict.code}"), (lang, verdict)
        for mismatch in Mismatch:
            assert tr.get(f"mismatch_{mismatch.code}"), (lang, mismatch)


def test_the_verdict_is_translated_from_its_type_not_from_its_english_text():
    report = {"provenance": Verdict.SDXL, "watermark": {"checked": True, "sdxl_detected": True}, "c2pa": {}}
    assert "SDXL" in handlers.verdict_line(report, "en") and "**" not in handlers.verdict_line(report, "en")
    assert "водяной знак SDXL" in handlers.verdict_line(report, "ru")


def test_widget_builds_runs_and_verifies():
    import ipywidgets

    import genlab.widgets as w

    box = w.ethics("en")
    assert isinstance(box, ipywidgets.Widget)
    box.controls["n_train"].value = 600
    box.controls["target"].value = 0.3
    box.controls["run"].click()
    rows = box.last["bias_rows"]
    assert abs(rows[1][1] - 0.3) < 0.08                    # reweighting to the new target
    box.controls["example"].click()
    assert box.last["verify_report"]["provenance"] is Verdict.METADATA
    box.controls["verify"].click()                          # nothing uploaded: the error, in words
    assert "upload a file first" in box.outputs["verdict"].value


def test_widget_pages_keep_their_math():
    import genlab.widgets as w

    box = w.ethics("ru")
    html_pages = [page.value for page in box.children[0].children[0].children]
    assert any("\\mathrm{KL}" in text for text in html_pages)


def test_render_builds_in_both_languages():
    import gradio as gr

    for lang in LANGS:
        with gr.Blocks():
            tab.render(lang)


def test_cli_verify_prints_the_verdict_in_one_line_then_the_report(tmp_path):
    import json

    from typer.testing import CliRunner

    from genlab.cli import app

    path, _, _ = handlers.make_example(0, "en")
    result = CliRunner().invoke(app, ["verify", path, "--lang", "ru"])
    assert result.exit_code == 0, result.output
    first, rest = result.output.split("\n", 1)
    assert first.startswith("✅ Файл сделан genlab") and "**" not in first
    assert json.loads(rest)["provenance"] == Verdict.METADATA
    assert CliRunner().invoke(app, ["verify", path, "--lang", "de"]).exit_code == 2


def test_cli_bias_prints_the_table_and_writes_the_notebook(tmp_path):
    import nbformat
    from typer.testing import CliRunner

    from genlab.ethics.cli import app

    notebook = tmp_path / "bias.ipynb"
    result = CliRunner().invoke(app, ["--n-train", "600", "--seed", "2", "--lang", "ru", "--notebook", str(notebook)])
    assert result.exit_code == 0, result.output
    assert "перевзвешивание" in result.output and "| мера |" in result.output
    assert nbformat.read(notebook, as_version=4).metadata["genlab"]["params"]["n_train"] == 600
    bad = CliRunner().invoke(app, ["--minority", "0.9"])   # main() prints it in one line, exit 2
    assert isinstance(bad.exception, InputError) and bad.exception.param == "--minority"
