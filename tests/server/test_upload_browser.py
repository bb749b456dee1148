"""Uploads through the real page still work with the session check on (both languages): a file
chosen in the VAE tab is reconstructed, one chosen in the Ethics tab is verified."""

import wave

import pytest
from browser import browser_page, error_toasts, open_app, open_tab

from genlab.app.tabs import ethics, vae
from genlab.i18n import Translator

pytestmark = pytest.mark.browser


def _tone(path):
    import numpy as np

    t = np.arange(16000) / 16000
    pcm = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.tobytes())
    return path


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_uploaded_files_are_used(app_server, tmp_path, lang):
    clip = _tone(tmp_path / "my_tone.wav")
    note = tmp_path / "my_note.txt"
    note.write_text("written by a person")
    with browser_page() as (page, watch):
        page.set_default_timeout(180_000)
        open_app(page, f"{app_server}/{lang}/")
        open_tab(page, vae.TITLE[lang])
        page.locator("#vae-audio-in input[type=file]").set_input_files(str(clip))
        page.locator("#vae-audio-in audio").first.wait_for(state="attached")   # the upload is done
        page.locator("#vae-recon").click()
        page.locator("#vae-info").get_by_text("my_tone.wav").wait_for(timeout=120_000)
        open_tab(page, ethics.TITLE[lang])
        page.locator("#ethics-verify-file input[type=file]").set_input_files(str(note))
        verdict = Translator("ethics", lang)("verdict_none", detail="").split("**")[1]
        page.locator("#ethics-verify-verdict").get_by_text(verdict).wait_for(timeout=60_000)
        assert not error_toasts(page)
        watch.assert_clean()
