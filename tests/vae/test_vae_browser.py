"""The VAE tab in a real browser: decode a prior sample and reconstruct a shipped clip."""

import pytest
from browser import ARTIFACTS, browser_page, error_toasts, open_tab

from genlab.app.tabs import vae as tab

pytestmark = pytest.mark.browser


def test_vae_tab_prior_and_reconstruction(app_server):
    with browser_page() as (page, watch):
        page.set_default_timeout(180_000)  # the shared 2-core machine can be slow
        page.goto(f"{app_server}/en/", wait_until="load", timeout=180_000)
        open_tab(page, tab.TITLE["en"])
        page.locator("#vae-prior").click()
        page.locator("#vae-info").get_by_text("Prior sample").wait_for(timeout=120_000)
        page.locator("#vae-recon").click()  # no upload: a random shipped clip
        page.locator("#vae-info").get_by_text("KL per latent element").wait_for(timeout=120_000)
        assert page.locator("#vae-digit img").count() == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "vae-tab.png"), full_page=True)
        assert not error_toasts(page)
        watch.assert_clean()
