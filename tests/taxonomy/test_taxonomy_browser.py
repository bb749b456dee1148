"""The Taxonomy tab in a real browser: fit all five models and see the figure and the table."""

import pytest
from browser import ARTIFACTS, browser_page, error_toasts, open_app, open_tab

from genlab.app.tabs import taxonomy

pytestmark = pytest.mark.browser


def test_taxonomy_tab_fits_and_compares(app_server):
    with browser_page() as (page, watch):
        open_app(page, f"{app_server}/en/")
        open_tab(page, taxonomy.TITLE["en"])
        page.locator("#taxonomy-run").click()
        table = page.locator("#taxonomy-table")
        page.wait_for_function(
            "document.querySelector('#taxonomy-table') &&"
            " document.querySelector('#taxonomy-table').innerText.includes('lower bound')",
            timeout=600_000)
        text = table.inner_text()
        for family in ("Gaussian mixture", "flow", "GAN", "VAE", "diffusion"):
            assert family in text
        assert "IWAE" in text
        page.locator("#taxonomy-plot img, #taxonomy-plot canvas, #taxonomy-plot svg").first.wait_for()
        assert "implicit generative model" in page.content()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "taxonomy.png"), full_page=True)
        assert not error_toasts(page)
        watch.assert_clean()
