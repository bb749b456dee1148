"""The Autoregressive tab in a real browser: stream text, stop it, see token probabilities, bad input."""

import pytest
from browser import ARTIFACTS, browser_page, error_toasts, open_tab

from genlab.app.tabs import autoregressive as tab

pytestmark = pytest.mark.browser
EN = tab.STRINGS["en"]


def test_stream_stop_and_probabilities(app_server):
    with browser_page() as (page, watch):
        page.set_default_timeout(180_000)  # the shared 2-core machine can be slow
        page.goto(f"{app_server}/en/", wait_until="load", timeout=180_000)
        page.get_by_role("tab", name=tab.TITLE["en"]).wait_for(timeout=180_000)
        open_tab(page, tab.TITLE["en"])
        max_tokens = page.get_by_role("spinbutton", name=f"number input for {EN['max_tokens']}")
        max_tokens.fill("2048")
        max_tokens.press("Tab")
        page.locator("#ar-generate").click()
        output = page.locator("#ar-output textarea")
        page.wait_for_function("() => document.querySelector('#ar-output textarea').value.length > 20")
        page.locator("#ar-stop").click()
        page.locator("#ar-stats").get_by_text("stopped by the Stop button").wait_for(timeout=120_000)
        assert 20 < len(output.input_value()) < 2048
        assert page.locator("#ar-tokens").inner_text().strip()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "autoregressive-tab.png"), full_page=True)
        page.locator("#ar-prompt textarea").fill("   ")
        page.locator("#ar-generate").click()
        page.wait_for_function("() => document.querySelectorAll('.toast-body').length > 0")
        assert any("prompt" in t for t in error_toasts(page))
        watch.assert_clean()
