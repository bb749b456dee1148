"""Real-browser helpers: start ``genlab serve`` on a free port and drive Debian's Chromium with
Playwright, with every host but 127.0.0.1 resolved to nothing so the page can make no outside
connection. Tests skip where Chromium is missing, except under CI=true (.ci/run installs it)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
VALIDATION_REFUSAL = "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def require_chromium() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing under CI=true: .ci/run must install it")
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests need it")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(lang: str = "en", timeout: float = 180.0):
    """Start ``genlab serve`` in a subprocess; yield its base URL; stop it afterwards."""
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"server-{port}.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "genlab.cli", "serve", "--port", str(port),
                             "--lang", lang], stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"genlab serve exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{base}/{lang}/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.time() > deadline:
                raise TimeoutError(f"genlab serve did not answer in {timeout} s; see {log.name}")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


class PageWatch:
    """Collects console errors, uncaught page errors and requests that leave 127.0.0.1."""

    def __init__(self, page):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.outside_requests: list[str] = []
        self.failed_responses: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("request", self._request)
        page.on("response", lambda r: r.status >= 400 and self.failed_responses.append(
            f"{r.status} {r.url}"))

    def _request(self, request):
        url = request.url
        if not (url.startswith("http://127.0.0.1") or url.startswith("data:")
                or url.startswith("blob:") or url.startswith("about:")):
            self.outside_requests.append(url)

    def assert_clean(self):
        assert not self.page_errors, f"page errors: {self.page_errors}"
        # Gradio refuses an event whose validator found a bad value (shown on its control) with a
        # 422 to queue/join, which Chromium logs once: that one console line is expected, no other
        refusals = [r for r in self.failed_responses if r.startswith("422 ") and "/gradio_api/queue/join" in r]
        console = list(self.console_errors)
        for _ in refusals:
            if VALIDATION_REFUSAL in console:
                console.remove(VALIDATION_REFUSAL)
        assert not console, f"console errors: {console}; failed responses: {self.failed_responses}"
        assert not self.outside_requests, f"requests outside 127.0.0.1: {self.outside_requests}"


@contextlib.contextmanager
def browser_page(viewport=(1400, 1000), locale: str = "en-US"):
    """Yield ``(page, watch)`` in headless Chromium whose browser language is ``locale``."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]},
                                    locale=locale)
            watch = PageWatch(page)
            yield page, watch
        finally:
            browser.close()


def error_toasts(page) -> list[str]:
    """Texts of Gradio error toasts currently shown."""
    return [t for t in page.locator(".toast-body.error, [data-testid='toast-body'].error")
            .all_inner_texts() if t.strip()]


def open_tab(page, title: str) -> None:
    page.get_by_role("tab", name=title).click()


def open_app(page, url: str, timeout: float = 180_000) -> None:
    """Open the app and wait until its tabs are there. Not "networkidle": a page with gr.State
    keeps gradio's heartbeat stream open, so the network never goes idle."""
    page.goto(url, wait_until="load", timeout=timeout)
    page.get_by_role("tab").first.wait_for(timeout=timeout)


# ---------------------------------------------------------------- layout checks (issue 15)

_SPLIT_WORDS_JS = """(root) => {
  const split = [];
  for (const cell of root.querySelectorAll('th, td')) {
    if (!cell.offsetParent) continue;                       // hidden (e.g. a virtual table's spare rows)
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
      for (const m of node.textContent.matchAll(/[^\\s\\/-]+/g)) {   // a line may break after '/' or '-'
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) split.push(m[0]);
      }
    }
  }
  return split;
}"""

_CLIPPED_COLUMNS_JS = """(root) => {
  const clipped = [];
  let box = root.getBoundingClientRect();
  for (let el = root.querySelector('table'); el && el !== root; el = el.parentElement) {
    const style = getComputedStyle(el);
    if (style.overflowX !== 'visible') {                    // a scrolling box: what it shows
      const r = el.getBoundingClientRect();
      box = {left: Math.max(box.left, r.left), right: Math.min(box.right, r.right)};
    }
  }
  for (const th of root.querySelectorAll('thead th')) {
    if (!th.offsetParent) continue;
    const r = th.getBoundingClientRect();
    if (r.left < box.left - 1 || r.right > box.right + 1 || r.width < 4) clipped.push(th.innerText.trim());
  }
  return clipped;
}"""


def split_words(page, selector: str) -> list[str]:
    """Words in the visible cells of the table(s) in ``selector`` that are drawn broken over two
    lines ("explic / it")."""
    return page.locator(selector).evaluate(_SPLIT_WORDS_JS)


def clipped_columns(page, selector: str) -> list[str]:
    """Header texts of the table in ``selector`` whose column is not wholly in view (cut off by
    the table's box or hidden behind its horizontal scroll)."""
    return page.locator(selector).evaluate(_CLIPPED_COLUMNS_JS)


def boxes_overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def labels_over(page, selector: str, drawn: str = "img") -> list[str]:
    """Texts of visible component labels drawn over the element ``drawn`` (a figure: its title is
    inside it) of the component ``selector``."""
    target = page.locator(f"{selector} {drawn}").first.bounding_box()
    assert target is not None, f"{selector}: nothing drawn"
    return [label.inner_text() for label in page.locator(f"{selector} [data-testid='block-label']").all()
            if label.is_visible() and boxes_overlap(label.bounding_box(), target)]
