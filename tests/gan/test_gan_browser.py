"""The GAN tab in a real browser: generate a grid, ask for log p(x), train the 2-D toy GAN live;
a class out of range shows an error toast and the app keeps serving."""

import pytest
from browser import ARTIFACTS, browser_page, error_toasts, open_tab

from genlab.app.tabs.gan import TITLE
from genlab.i18n import Translator

pytestmark = pytest.mark.browser


def test_gan_tab_generates(app_server):
    with browser_page() as (page, watch):
        page.set_default_timeout(120_000)
        page.goto(f"{app_server}/en/", wait_until="load", timeout=180_000)
        page.get_by_role("tab", name=TITLE["en"]).wait_for(timeout=180_000)
        open_tab(page, TITLE["en"])
        seed = page.locator("#gan-seed input")
        seed.fill("0")
        seed.press("Enter")
        page.locator("#gan-generate").click()
        page.locator("#gan-grid img").first.wait_for(timeout=120_000)
        assert "seed 0" in page.locator("#gan-info").inner_text()

        page.locator("#gan-log-prob").click()
        page.get_by_text("NoDensityError", exact=False).first.wait_for(timeout=60_000)
        assert "implicit" in page.locator("#gan-log-prob-answer").inner_text()

        page.locator("#gan-toy-run").click()
        # the rendered figure (the label's icon is hidden: plots show no label over their title)
        page.locator("#gan-toy-plot [data-testid='matplotlib'] img").first.wait_for(timeout=120_000)
        page.get_by_text("modes hit", exact=False).first.wait_for(timeout=120_000)
        # issue 15: the mode-collapse figure is not squeezed beside its log (it was under half the tab)
        figure = page.locator("#gan-toy-plot [data-testid='matplotlib'] img").first.bounding_box()
        tab = page.locator("#tab-gan").bounding_box()
        assert figure["width"] > 0.6 * tab["width"], (figure, tab)

        class_id = page.locator("#gan-class-id input")
        class_id.fill("12")
        class_id.press("Enter")
        page.locator("#gan-generate").click()
        page.wait_for_timeout(3000)
        label = Translator("gan", "en").label("class_id")  # the toast names the control by its label
        assert any(label in t and "12" in t for t in error_toasts(page)), error_toasts(page)
        class_id.fill("7")
        class_id.press("Enter")
        page.locator("#gan-generate").click()
        page.wait_for_function(
            "() => document.querySelector('#gan-info').innerText.includes('7 (seven)')", timeout=60_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "gan-tab.png"), full_page=True)
        watch.assert_clean()
