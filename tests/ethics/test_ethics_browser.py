"""The Ethics tab in a real browser, on /en/ and /ru/: the lecture's pages, the bias experiment
(its table whole at 1,400 and 1,024 px, no label over its figure, exported as a notebook), a
stamped example verified with its verdict in the page's language; no heavy borders of its own."""

import pytest
from browser import ARTIFACTS, browser_page, clipped_columns, error_toasts, labels_over, open_app, open_tab, split_words

from genlab.app.tabs import ethics
from genlab.ethics.pages import pages
from genlab.i18n import Translator

pytestmark = pytest.mark.browser

# elements in the tab drawn with a border wider than the theme's 1 px (the old gr.Group boxes)
HEAVY_BORDERS_JS = """() => [...document.querySelectorAll('#tab-ethics *')]
  .filter(e => e.offsetParent && parseFloat(getComputedStyle(e).borderTopWidth) > 1.5)
  .map(e => e.id || e.className)"""


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_ethics_tab_bias_and_verify(app_server, lang):
    tr = Translator("ethics", lang)
    with browser_page() as (page, watch):
        page.set_default_timeout(120_000)
        open_app(page, f"{app_server}/{lang}/")
        open_tab(page, ethics.TITLE[lang])
        for p in pages(lang):
            page.locator(f"#ethics-page-{p.key}").get_by_text(p.title).first.wait_for()

        n_train = page.locator("#ethics-n-train input[type='number']")
        n_train.fill("1000")
        n_train.press("Enter")
        page.locator("#ethics-bias-run").click()
        reweight = tr("remedy_reweight")
        page.wait_for_function(f"document.querySelector('#ethics-bias-table').innerText.includes({reweight!r})",
                               timeout=300_000)
        page.locator("#ethics-bias-plot [data-testid='matplotlib'] img").first.wait_for()
        summary = page.locator("#ethics-bias-summary").inner_text()
        assert "0.368" in summary                          # KL(Bern(0.1) || Bern(0.5)), the price
        for width in (1400, 1024):                         # issue 15
            page.set_viewport_size({"width": width, "height": 1000})
            page.locator("#ethics-bias-table").scroll_into_view_if_needed()
            page.wait_for_timeout(500)  # the table re-lays itself out to the new width
            assert not clipped_columns(page, "#ethics-bias-table"), (width, clipped_columns(page, "#ethics-bias-table"))
            assert not split_words(page, "#ethics-bias-table"), (width, split_words(page, "#ethics-bias-table"))
            assert not labels_over(page, "#ethics-bias-plot"), width
        assert page.evaluate(HEAVY_BORDERS_JS) == []
        with page.expect_download(timeout=60_000) as info:
            page.locator("#ethics-bias-notebook").click()
        notebook = open(info.value.path(), encoding="utf-8").read()
        assert "BiasRequest" in notebook and "n_train=1000" in notebook and f"lang='{lang}'" in notebook

        page.locator("#ethics-verify-example").click()
        made_by_genlab = tr("verdict_metadata", mark="").split("**")[1]
        page.locator("#ethics-verify-verdict").get_by_text(made_by_genlab).wait_for(timeout=120_000)
        page.locator("#ethics-example-file a").first.wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"ethics-{lang}.png"), full_page=True)
        assert not error_toasts(page)
        watch.assert_clean()
