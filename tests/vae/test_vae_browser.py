"""The VAE tab in a real browser, on /en/ and /ru/: reconstruct a shipped clip, then sample the
prior — every output then comes from the prior sample alone (issue 15) —; a text file renamed
.wav is refused with a message naming the clip, without internals; the digit walk redraws."""

import pytest
from browser import ARTIFACTS, browser_page, error_toasts, open_tab

from genlab.app.tabs import vae as tab
from genlab.i18n import Translator

pytestmark = pytest.mark.browser


def _plot_src(page, elem_id: str) -> str | None:
    """The rendered matplotlib image of a gr.Plot, or None when the plot is empty."""
    images = page.locator(f"#{elem_id} [data-testid='matplotlib'] img")
    return images.first.get_attribute("src") if images.count() else None


def _downloaded_text(page, button: str) -> str:
    """The text of the file a DownloadButton gives (Gradio fetches it on click: no href)."""
    with page.expect_download(timeout=120_000) as download:
        page.locator(button).click()
    assert download.value.suggested_filename.endswith(".ipynb")
    return open(download.value.path(), encoding="utf-8").read()


def _has_audio(page, elem_id: str) -> bool:
    return page.locator(f"#{elem_id} audio").count() > 0


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_vae_tab_results_come_from_one_action(app_server, lang, tmp_path):
    tr = Translator("vae", lang)
    kl_line, prior_line = tr("kl_dim"), tr("prior_info").split(":")[0]
    with browser_page() as (page, watch):
        page.set_default_timeout(180_000)  # the shared 2-core machine can be slow
        page.goto(f"{app_server}/{lang}/", wait_until="load", timeout=180_000)
        open_tab(page, tab.TITLE[lang])
        info = page.locator("#vae-info")

        page.locator("#vae-recon").click()  # no upload: a random shipped clip
        info.get_by_text(kl_line).wait_for(timeout=180_000)
        page.locator("#vae-histograms [data-testid='matplotlib'] img").wait_for()
        assert _has_audio(page, "vae-audio-orig") and _has_audio(page, "vae-audio-out")
        recon_wave, recon_heat = _plot_src(page, "vae-waveforms"), _plot_src(page, "vae-heatmap")
        for plot in ("vae-waveforms", "vae-histograms", "vae-heatmap"):  # issue 15: no label over a title
            assert page.locator(f"#{plot} [data-testid='block-label']:visible").count() == 0, plot
        assert recon_wave and recon_heat
        assert "ReconstructionRequest(" in _downloaded_text(page, "#vae-notebook")

        page.locator("#vae-prior").click()
        info.get_by_text(prior_line).wait_for(timeout=180_000)
        page.wait_for_function("() => !document.querySelector('#vae-histograms img')", timeout=60_000)
        page.wait_for_function("() => !document.querySelector('#vae-audio-orig audio')", timeout=60_000)
        assert kl_line not in info.inner_text()
        assert _has_audio(page, "vae-audio-out")
        assert _plot_src(page, "vae-waveforms") not in (None, recon_wave)
        assert _plot_src(page, "vae-heatmap") not in (None, recon_heat)
        notebook = _downloaded_text(page, "#vae-notebook")  # the notebook is the prior sample's too
        assert "PriorRequest(" in notebook and "ReconstructionRequest(" not in notebook

        # and back: a reconstruction fills every output again
        page.locator("#vae-recon").click()
        info.get_by_text(kl_line).wait_for(timeout=180_000)
        page.locator("#vae-histograms [data-testid='matplotlib'] img").wait_for()
        page.locator("#vae-audio-orig audio").first.wait_for(state="attached")
        assert not error_toasts(page)

        # the digit walk redraws on release (the browser draws it: the decoded digit's title moves)
        start = tr("digit_title", z1=0.0, z2=0.0)
        page.get_by_text(start).wait_for()
        page.locator("#vae-digit-plot .js-plotly-plot image").first.wait_for(state="attached")  # the map
        slider = page.locator("#vae-z1 input[type='range']")
        box = slider.bounding_box()
        slider.click(position={"x": 0.8 * box["width"], "y": box["height"] / 2})  # a click: input, then release
        page.wait_for_function(
            "(old) => [...document.querySelectorAll('#vae-digit-plot .annotation-text')]"
            ".some(e => e.textContent.startsWith(old.slice(0, old.indexOf('('))) && e.textContent !== old)",
            arg=start, timeout=120_000)

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"vae-tab-{lang}.png"), full_page=True)

        watch.assert_clean()

        # a text file renamed .wav: a message that names the clip, without internals
        fake = tmp_path / "notes.wav"
        fake.write_text("this is a text file, not audio\n" * 20)
        page.locator("#vae-audio-in input[type='file']").set_input_files(str(fake))
        page.locator("#vae-recon").click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.toast-body.error, [data-testid=\"toast-body\"].error')]"
            ".some(t => t.innerText.trim())", timeout=120_000)
        toasts = " ".join(error_toasts(page))
        assert tr.label("clip") in toasts and "BytesIO" not in toasts and "0x" not in toasts, toasts
        assert tr.error(_not_audio(), labelled=True) in toasts, toasts  # named by its label on the page
        # the browser's own player cannot draw the text file either: that console line, no other
        assert set(watch.console_errors) <= {"Waveform load error: MediaError"}, watch.console_errors
        assert not watch.page_errors and not watch.outside_requests


def _not_audio():
    from genlab.errors import InputError

    return InputError("clip", "not_audio")
