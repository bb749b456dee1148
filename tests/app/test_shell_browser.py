"""The whole app in a real browser: every tab in both languages, no console error, no error toast,
no request outside 127.0.0.1; screenshots go to test-artifacts/."""

import importlib

import pytest
from browser import ARTIFACTS, browser_page, error_toasts, open_app, open_tab

from genlab.app.tabs import SECTIONS

pytestmark = pytest.mark.browser


def test_every_tab_in_both_languages(app_server):
    with browser_page() as (page, watch):
        open_app(page, f"{app_server}/")
        assert page.url.endswith("/en/")
        page.get_by_role("tab", name=importlib.import_module("genlab.app.tabs.probability").TITLE["en"]).wait_for()
        for lang in ("en", "ru"):
            if lang == "ru":
                page.locator("#lang-ru").click()
                page.wait_for_url("**/ru/")
            for name in SECTIONS:
                title = importlib.import_module(f"genlab.app.tabs.{name}").TITLE[lang]
                open_tab(page, title)
                page.wait_for_timeout(300)
                assert page.get_by_role("tab", name=title).get_attribute("aria-selected") == "true"
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"app-{lang}.png"), full_page=True)
            assert not error_toasts(page)
        assert "Русский" in page.content()
        watch.assert_clean()


@pytest.mark.parametrize("lang,browser_locale,use_via_api", [("ru", "en-US", "Использовать через API"),
                                                             ("en", "ru-RU", "Use via API")])
def test_gradio_strings_follow_the_page_not_the_browser(app_server, lang, browser_locale, use_via_api):
    """Issue 14: Gradio's own strings (here its footer) are in the page's language even when the
    browser's locale is the other one."""
    with browser_page(locale=browser_locale) as (page, watch):
        open_app(page, f"{app_server}/{lang}/")
        page.get_by_text(use_via_api).first.wait_for(timeout=30_000)
        assert page.evaluate("document.documentElement.lang") == lang
        watch.assert_clean()
