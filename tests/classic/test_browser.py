"""Sections 1-2 in a real browser: the Probability tab draws its surface, and the
Discriminative vs generative tab recomputes on new data and redraws when a slider moves; no
console error, no error toast, no request outside 127.0.0.1."""

import pytest
from browser import ARTIFACTS, browser_page, error_toasts, open_tab

from genlab.app.tabs import discriminative, probability

pytestmark = pytest.mark.browser


def test_sections_one_and_two(app_server):
    with browser_page() as (page, watch):
        # not "networkidle": a page with gr.State keeps gradio's heartbeat stream open
        page.goto(f"{app_server}/en/", wait_until="load")
        page.get_by_role("tab", name=probability.TITLE["en"]).wait_for(timeout=60_000)
        open_tab(page, probability.TITLE["en"])
        page.locator("#prob-draw").click()
        page.locator("#prob-surface .js-plotly-plot").first.wait_for(timeout=60_000)

        open_tab(page, discriminative.TITLE["en"])
        status = page.locator("#disc-status")
        status.wait_for()
        assert "seed 0" in status.inner_text()
        page.locator("#disc-recompute").click()
        page.wait_for_function("document.querySelector('#disc-status').innerText.includes('seed 1')",
                               timeout=60_000)
        plot = page.locator("#disc-plot .js-plotly-plot").first
        plot.wait_for(timeout=60_000)
        em_box = page.locator("#disc-t-em input[type='number']")
        em_box.fill("7")
        em_box.press("Enter")
        page.wait_for_function(
            "[...document.querySelectorAll('#disc-plot .gtitle, #disc-plot .annotation-text')]"
            ".some(e => e.textContent.includes('EM, iteration 7'))", timeout=60_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "sections-1-2.png"), full_page=True)
        assert not error_toasts(page)
        watch.assert_clean()
