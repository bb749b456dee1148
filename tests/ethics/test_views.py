"""The Ethics tab's handlers, pages and widget (without a browser), and one real-browser test."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image

from genlab.app.tabs import SECTIONS
from genlab.app.tabs import ethics as tab
from genlab.errors import InputError
from genlab.ethics.pages import PAGES
from genlab.i18n import LANGS
from genlab.provenance import read_provenance


def test_strings_have_the_same_keys_in_both_languages():
    assert STRINGS_KEYS("en") == STRINGS_KEYS("ru")
    assert tab.REMEDY_NAMES["en"].keys() == tab.REMEDY_NAMES["ru"].keys()


def STRINGS_KEYS(lang):
    return set(tab.STRINGS[lang])


def test_pages_cover_the_lecture_and_link_to_existing_demos():
    assert [p.key for p in PAGES["en"]] == [p.key for p in PAGES["ru"]]
    assert len(PAGES["en"]) == 7
    for lang in LANGS:
        targets = {t for p in PAGES[lang] for t, _ in p.demos}
        assert "autoregressive" in targets                 # plausibility is not truth
        for t in targets:
            section, _, anchor = t.partition("#")
            assert section in SECTIONS
            assert anchor in ("", "bias", "verify")
        for p in PAGES[lang]:
            assert p.demos, p.key                           # every page links to a demo
            assert p.body.count("$") % 2 == 0               # balanced inline math
    # the Russian pages carry the lecture's own key sentences
    ru = " ".join(p.body for p in PAGES["ru"])
    assert "не «исправляет» данные" in ru and "fairness — не цель генеративного обучения" in ru.replace("**", "").lower()


def test_tab_link_js_targets_the_tab_button():
    js = tab.tab_link_js("autoregressive")
    assert 'data-tab-id=\\"autoregressive\\"' in js or 'data-tab-id="autoregressive"' in js
    assert "tab-autoregressive-button" in js
    assert "ethics-bias" in tab.tab_link_js("ethics#bias")


@pytest.mark.parametrize("lang", LANGS)
def test_bias_view_numbers_and_results_file(lang):
    fig1, fig2, rows, summary, path = tab.bias_view("gmm", 0.1, 0.5, 1000, 0, lang)
    assert len(rows) == 5 and len(rows[0]) == len(tab.table_headers(lang))
    freqs = [r[1] for r in rows]
    assert abs(freqs[0] - 0.1) < 0.04                      # replicated
    assert all(abs(f - 0.5) < 0.06 for f in freqs[1:])     # every remedy moves it
    assert "0.368" in summary                              # KL(Bern(0.1) || Bern(0.5))
    rec = read_provenance(path)
    assert rec["kind"] == "ethics.bias" and rec["params"]["minority"] == 0.1
    assert len(fig1.axes) == 2 and len(fig2.axes) == 6


def test_bias_view_rejects_bad_input():
    with pytest.raises(InputError, match="minority"):
        tab.bias_view("gmm", 0.9, 0.5, 1000, 0)
    with pytest.raises(InputError, match="n_train"):
        tab.bias_view("gmm", 0.1, 0.5, 50, 0)


def test_verify_view_genlab_file_and_foreign_file(tmp_path):
    path, summary, report = tab.example_view(3, "en")
    assert report["watermark"]["detected"] and "genlab made this file" in summary
    Image.open(path).convert("RGB").save(tmp_path / "resaved.png")
    summary, report = tab.verify_view(tmp_path / "resaved.png", "ru")
    assert "Водяной знак genlab найден" in summary
    Image.fromarray(np.full((300, 300, 3), 90, np.uint8)).save(tmp_path / "foreign.png")
    summary, report = tab.verify_view(str(tmp_path / "foreign.png"), "en")
    assert "No provenance found" in summary and report["provenance"] == "no provenance found"
    with pytest.raises(InputError):
        tab.verify_view(None, "en")


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
    assert box.last["verify_report"]["provenance"] == "genlab metadata found"


def test_render_builds_in_both_languages():
    import gradio as gr

    for lang in LANGS:
        with gr.Blocks():
            tab.render(lang)


@pytest.mark.browser
def test_ethics_tab_in_a_browser(app_server):
    from browser import browser_page, error_toasts, open_tab

    with browser_page() as (page, watch):
        page.set_default_timeout(180_000)          # a shared 2-core machine can be slow
        page.goto(f"{app_server}/en/", wait_until="load")
        open_tab(page, tab.TITLE["en"])
        page.locator("#ethics-verify-example").click()
        page.locator("#ethics-verify-verdict").get_by_text("genlab made this file").wait_for(timeout=60000)
        page.locator("#ethics-bias-run").click()
        page.locator("#ethics-bias-summary").get_by_text("replicates").wait_for(timeout=120000)
        # a page's link opens the autoregressive tab
        page.get_by_text("Plausibility versus truth").first.click()      # open its accordion
        page.get_by_role("button", name=re.compile("Token probabilities")).first.click()
        page.wait_for_timeout(500)
        selected = page.locator("[role=tab][aria-selected=true]").inner_text()
        assert selected.strip() == "Autoregressive" or "autoregressive" in selected.lower()
        assert not error_toasts(page)
        watch.assert_clean()
