"""The Diffusion tab in a real browser: generate digits, see the gallery and the x_0 strip;
switch to the 2-D toys and see the trajectories; a bad x_0 step shows an error toast and the
app keeps serving."""

import pytest
from browser import ARTIFACTS, browser_page, error_toasts, open_tab

from genlab.app.tabs.diffusion import TITLE

pytestmark = pytest.mark.browser


def test_diffusion_tab_generates(app_server):
    with browser_page() as (page, watch):
        page.set_default_timeout(120_000)
        page.goto(f"{app_server}/en/", wait_until="domcontentloaded", timeout=180_000)
        page.get_by_role("tab", name=TITLE["en"]).wait_for()
        open_tab(page, TITLE["en"])
        nfe = page.locator("#diffusion-nfe input[type=number]")
        nfe.fill("5")
        nfe.press("Enter")
        page.locator("#diffusion-generate").click()
        page.locator("#diffusion-gallery img").first.wait_for(timeout=120_000)
        page.locator("#diffusion-strip img").first.wait_for(timeout=30_000)
        assert page.locator("#diffusion-gallery img").count() >= 1
        assert "seed 0" in page.locator("#diffusion-notes").inner_text()

        page.get_by_label("x_0", exact=False).fill("99")
        page.locator("#diffusion-generate").click()
        page.wait_for_timeout(3000)
        assert any("x_0 steps" in t for t in error_toasts(page))

        page.get_by_text("lab: 2-D toy sets (MLP)").click()
        page.get_by_label("x_0", exact=False).fill("")
        page.locator("#diffusion-generate").click()
        page.locator("#diffusion-plot img, #diffusion-plot svg, #diffusion-plot canvas").first.wait_for(
            timeout=120_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "diffusion-tab.png"), full_page=True)
        watch.assert_clean()
