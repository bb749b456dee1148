"""The Gradio web app: one tab per lecture section, in English and Russian.

Each language is its own Blocks mounted at ``/en/`` and ``/ru/``; the switch in the page is a link
between them, so every label is built in its language. ``/`` redirects to the default language.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from genlab.app.tabs import SECTIONS
from genlab.i18n import LANG_NAMES, LANGS, load as load_locale
from genlab.limits import QUEUE, QueueLimits

FAVICON = Path(__file__).resolve().parent / "favicon.png"

CSS = """
.genlab-lang { max-width: 12em; }
.not-built { opacity: 0.85; }
/* tables of results (elem_classes=["genlab-table"]): headers and cells wrap between words, never
   inside one ("explic it"), so every column fits the page instead of hiding behind a scroll */
.genlab-table th, .genlab-table td, .genlab-table th *, .genlab-table td * {
  white-space: normal !important; word-break: normal !important; overflow-wrap: normal !important;
}
"""


def theme():
    import gradio as gr

    # System fonts only: the default theme would fetch Google Fonts, and genlab makes no request
    # to the internet.
    return gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    )


def build_blocks(lang: str = "en", sections=SECTIONS):
    """The whole app in one language, as a ``gr.Blocks``."""
    import gradio as gr

    from genlab.i18n import Translator

    from genlab.app.guard import GuardedBlocks

    tr = Translator("app", lang)
    with GuardedBlocks(title=tr("title"), analytics_enabled=False) as demo:
        with gr.Row(equal_height=True):
            gr.Markdown(f"## {tr('title')}\n{tr('subtitle')}")
            with gr.Row(elem_classes=["genlab-lang"]):
                for other in LANGS:
                    gr.Button(LANG_NAMES[other], link=f"/{other}/", size="sm",
                              variant="primary" if other == lang else "secondary",
                              elem_id=f"lang-{other}")
        with gr.Tabs():
            for name in sections:
                module = importlib.import_module(f"genlab.app.tabs.{name}")
                with gr.Tab(module.TITLE[lang], id=name, elem_id=f"tab-{name}"):
                    module.render(lang)
    demo.lang = lang
    return demo


def create_app(default_lang: str = "en", sections=SECTIONS, queue: QueueLimits = QUEUE,
               scratch: Path | None = None, *, auth: list[tuple[str, str]] | None = None):
    """A FastAPI app serving every language; ``/`` redirects to ``default_lang``.

    ``queue`` sizes the queue, the sessions kept and how long files live; ``scratch`` is the
    folder of this process's temporary files (see ``serving.use_scratch_folder``), swept by age.
    ``auth``: (user, password) pairs; then every page and API route asks for a login (Gradio's
    own), and one login serves both languages.
    """
    import contextlib

    import gradio as gr
    from fastapi import FastAPI
    from fastapi.responses import FileResponse, RedirectResponse

    from genlab import limits
    from genlab.app import serving
    from genlab.app.guard import SessionFiles, SessionFilesMiddleware, file_references, mark_launched

    if default_lang not in LANGS:
        raise ValueError(f"lang: {default_lang!r} is not one of {', '.join(LANGS)}")
    blocks_by_lang = {}

    @contextlib.asynccontextmanager
    async def sweeping(_app):
        import asyncio

        task = asyncio.create_task(serving.sweep_forever(list(blocks_by_lang.values()), queue,
                                                         scratch))
        try:
            yield
        finally:
            task.cancel()

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=sweeping)
    session_files = SessionFiles()

    @app.get("/")
    def root():
        return RedirectResponse(url=f"/{default_lang}/")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return FileResponse(FAVICON, media_type="image/png")

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        return serving.health(blocks_by_lang)

    # Gradio's own strings that its bundled translations lack (it shows their keys otherwise)
    gradio_strings = gr.I18n(**{lang: load_locale("app", lang).get("gradio", {}) for lang in LANGS})
    mounted = []
    for lang in LANGS:
        blocks = serving.configure_queue(build_blocks(lang, sections), queue)
        blocks_by_lang[lang] = blocks
        app = gr.mount_gradio_app(app, blocks, path=f"/{lang}", theme=theme(), css=CSS,
                                  ssr_mode=False, footer_links=["api", "settings"],
                                  show_error=True, max_file_size=limits.upload_bytes(),
                                  i18n=gradio_strings, auth=list(auth) if auth else None)
        mounted.append(app.routes[-1].app)
        mark_launched(blocks)
        blocks.session_files = session_files
        session_files.add_public(file_references(blocks.config))
    for other in mounted[1:]:  # one login for both languages: the same cookie and sessions
        other.cookie_id, other.tokens = mounted[0].cookie_id, mounted[0].tokens
    app.add_middleware(serving.CachedPages, langs=LANGS)   # innermost: the session cookie is set outside
    app.add_middleware(SessionFilesMiddleware, files=session_files)
    app.add_middleware(serving.RefuseInUserLanguage, langs=LANGS)
    app.add_middleware(serving.PageLanguage, langs=LANGS)
    app.add_middleware(serving.EndStreamsOfUnknownSessions)
    return app


def parse_auth(values, env: str | None = None) -> list[tuple[str, str]]:
    """``USER:PASSWORD`` items (repeated ``--auth``, or ``GENLAB_AUTH`` separated by commas)."""
    from genlab.errors import InputError

    items = list(values or []) + [part for part in (env or "").split(",") if part.strip()]
    pairs = []
    for item in items:
        user, sep, password = item.strip().partition(":")
        if not sep or not user or not password:
            raise InputError("--auth", "auth_format")
        pairs.append((user, password))
    return pairs


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, auth, allow_downloads: bool, lang: str = "en") -> str | None:
    """What an address other than this machine's own exposes, or None for a loopback address."""
    from genlab.i18n import Translator

    if is_loopback(host):
        return None
    tr = Translator("app", lang)
    password = ("exposure_password_off" if not auth else
                "exposure_password_one" if len(auth) == 1 else "exposure_password_many")
    downloads = "exposure_downloads_on" if allow_downloads else "exposure_downloads_off"
    return "\n".join([tr("exposure_open", host=host), tr(password, n=len(auth or ())), tr(downloads)])


def serve(host: str = "127.0.0.1", port: int = 7860, lang: str = "en",
          queue: QueueLimits = QUEUE, *, auth: list[tuple[str, str]] | None = None,
          allow_downloads: bool = False) -> None:
    from genlab import downloads

    downloads.configure(allow_downloads)  # before any pretrained library is imported
    import logging
    import sys
    import tempfile

    import uvicorn

    from genlab.app import serving
    from genlab.compute import use_threads

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    logging.getLogger("genlab").setLevel(logging.INFO)  # user errors as one line each
    use_threads(queue.compute_threads)
    # A heavy job's thread holds the interpreter lock for up to this long whenever the event loop
    # (every page's requests and event streams) wakes up to run: 5 ms by default caps the loop's
    # wake-ups near 200 a second while heavy jobs run, and a class's pages wait in line.
    sys.setswitchinterval(queue.gil_switch_ms / 1000)
    scratch = Path(tempfile.mkdtemp(prefix=f"genlab-serve-{port}-"))
    serving.use_scratch_folder(scratch)
    try:
        app = create_app(lang, queue=queue, scratch=scratch, auth=auth)
        warning = exposure_warning(host, auth, allow_downloads, lang)  # also for serve() from Python
        if warning:
            print(warning, file=sys.stderr, flush=True)
        print(f"genlab: serving on http://{host}:{port}/{lang}/  (Ctrl+C stops)", flush=True)
        # open event streams (every page keeps one) would hold a graceful shutdown forever
        uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=10,
                    timeout_keep_alive=queue.keep_alive_seconds)
    finally:
        serving.remove_scratch(scratch)
