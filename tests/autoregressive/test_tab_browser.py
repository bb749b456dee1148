"""The Autoregressive tab in a real browser, on /en/ and /ru/: the text streams in updates at least
every 100 ms, Stop stops it within 0.5 s of the click (measured in the page), the token view
colours tokens with a scale and shows the alternatives at a clicked token, bad input is a toast."""

import json
import os

import pytest
from browser import ARTIFACTS, browser_page, error_toasts, open_app, open_tab

from genlab.app.tabs.autoregressive import TITLE
from genlab.families.autoregressive import pipeline
from genlab.i18n import Translator

pytestmark = pytest.mark.browser

# Records every change of the output box's length with the page's clock (polled every 5 ms),
# and the moment Stop is clicked.
RECORD = """() => {
  window.updates = [];
  const box = () => document.querySelector('#autoregressive-output pre');
  let last = box().textContent.length;
  setInterval(() => {
    const n = box().textContent.length;
    if (n !== last) { window.updates.push([performance.now(), n]); last = n; }
  }, 5);
}"""
STOP = "() => { document.querySelector('#autoregressive-stop').click(); return performance.now(); }"
MAX_GAP_MS = 100
MAX_STOP_MS = 500
ATTEMPTS = 5


def stream_then_stop(page, tr) -> dict:
    """Generate up to 2,048 tokens, click Stop after 3 s of streaming; the page's own timings."""
    page.evaluate(RECORD)
    page.locator("#autoregressive-generate").click()
    # the model is loaded and writing; then let it stream for three seconds before Stop
    page.wait_for_function("() => document.querySelector('#autoregressive-output pre').textContent.length > 20")
    started = page.evaluate("performance.now()")
    page.wait_for_timeout(3000)
    stopped_at = page.evaluate(STOP)
    page.locator("#autoregressive-stats").get_by_text(tr("stopped_user")).wait_for(timeout=120_000)
    page.wait_for_timeout(1000)  # anything still on its way arrives meanwhile
    updates = page.evaluate("window.updates")
    streaming = [t for t, _ in updates if started <= t <= stopped_at]
    gaps = [b - a for a, b in zip([started, *streaming], [*streaming, stopped_at])]
    late = [t - stopped_at for t, _ in updates if t > stopped_at]
    return {"updates": len(streaming), "max_gap_ms": max(gaps), "last_change_after_stop_ms": max(late, default=0.0),
            "stats": page.locator("#autoregressive-stats").inner_text()}


def open_autoregressive(page, app_server, lang, tr) -> None:
    page.set_default_timeout(180_000)  # the shared 2-core machine can be slow
    open_app(page, f"{app_server}/{lang}/")
    open_tab(page, TITLE[lang])
    max_tokens = page.get_by_role("spinbutton", name=f"number input for {tr.label('max_new_tokens')}")
    max_tokens.fill("2048")
    max_tokens.press("Tab")


def overloaded() -> str | None:
    """Why timing cannot be measured here (None: it can). Never under CI=true."""
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    if os.environ.get("CI") != "true" and load > 2:
        return f"the machine is overloaded ({load:.1f} runnable jobs per core): timings would measure the other jobs"
    return None


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_stop_within_half_a_second_and_an_update_every_100_ms(app_server, lang):
    if overloaded():
        pytest.skip(overloaded())
    tr = Translator("autoregressive", lang)
    with browser_page() as (page, watch):
        open_autoregressive(page, app_server, lang, tr)
        # Up to five runs: the bounds hold for the page; a run that the OS stalls (another job
        # took the cores for a while) is measured again.
        runs = []
        for _ in range(ATTEMPTS):
            runs.append(stream_then_stop(page, tr))
            if runs[-1]["max_gap_ms"] <= MAX_GAP_MS and runs[-1]["last_change_after_stop_ms"] <= MAX_STOP_MS:
                break
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"autoregressive-timing-{lang}.json").write_text(json.dumps(runs, indent=1, ensure_ascii=False))
        last = runs[-1]
        assert last["max_gap_ms"] <= MAX_GAP_MS, f"the text froze for {last['max_gap_ms']:.0f} ms while streaming: {runs}"
        assert last["last_change_after_stop_ms"] <= MAX_STOP_MS, f"the text still grew after Stop: {runs}"
        watch.assert_clean()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_stream_stop_and_probabilities(app_server, lang):
    tr = Translator("autoregressive", lang)
    with browser_page() as (page, watch):
        open_autoregressive(page, app_server, lang, tr)
        # a fixed seed: the same text on every run (a random one drifts into the other language now
        # and then; how often is test_shipped_model's to measure, not this page's)
        seed = page.locator("#autoregressive-seed input")
        seed.fill("0")
        seed.press("Tab")
        prompt = pipeline.default_prompt(pipeline.LAB, lang)  # the Russian page's default prompt is Russian
        assert page.locator("#autoregressive-prompt textarea").input_value() == prompt
        run = stream_then_stop(page, tr)
        text = page.locator("#autoregressive-output pre").text_content()
        assert 20 < len(text) < 2048 and tr("stopped_user") in run["stats"]
        letters = [ch for ch in text if ch.isalpha()]
        assert sum(("а" <= ch.lower() <= "я") == (lang == "ru") for ch in letters) > 0.9 * len(letters), text

        # the token view: one coloured span per token, newlines as line breaks, the colour scale
        tokens = page.locator("#autoregressive-tokens .tok")
        tokens.first.wait_for()
        assert page.locator("#autoregressive-tokens .tok-legend").get_by_text(tr("legend_high")).count() == 1
        assert page.locator("#autoregressive-tokens .tok-text").inner_text().replace("↵", "") == text
        tokens.nth(3).click()
        page.locator("#autoregressive-chosen").get_by_text(tr("chosen").split(" ")[0]).wait_for()
        page.wait_for_function("() => document.querySelector('#autoregressive-position input').value === '3'")
        page.wait_for_function(r"() => /0\.\d/.test(document.querySelector('#autoregressive-alternatives').innerText)")
        with page.expect_download() as download:
            page.locator("#autoregressive-notebook").click()
        assert download.value.suggested_filename.endswith(".ipynb")
        assert "TextRequest(" in open(download.value.path(), encoding="utf-8").read()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"autoregressive-tab-{lang}.png"), full_page=True)

        # log-likelihood scoring of the page's two statements, in the page's language
        page.get_by_text(tr("truth_title")).click()
        page.locator("#autoregressive-score").click()
        page.wait_for_function(r"() => /-\d+\.\d/.test(document.querySelector('#autoregressive-truth').innerText)")
        truth = page.locator("#autoregressive-truth").inner_text()
        assert all(statement in truth for statement in pipeline.default_statements(lang)), truth

        page.locator("#autoregressive-prompt textarea").fill("   ")
        page.locator("#autoregressive-generate").click()
        page.wait_for_function("() => document.querySelectorAll('.toast-body').length > 0")
        page.wait_for_timeout(1000)
        toasts = error_toasts(page) + page.locator(".toast-body").all_inner_texts()
        assert any(tr.label("prompt") in t for t in toasts), toasts  # the parameter by its label
        watch.assert_clean()
