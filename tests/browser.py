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
