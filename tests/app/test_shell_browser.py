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
