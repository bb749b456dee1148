"""How one genlab process serves a class: two queue groups, a refusal in the user's language,
sessions and files that expire, and ``/healthz``.

A tab declares its heavy events ``**HEAVY`` (they run a neural network or train one for as long
as the request asks) and its instant UI bookkeeping that cannot fail ``**INSTANT`` (unqueued: it
answers even when the queue is full; an unqueued error would reach the page as an HTTP 500, so an
event that checks input stays queued); every other event is light (a redraw from what is already computed, milliseconds). ``configure_queue`` gives each
group its slots from ``genlab.limits.QueueLimits``: each group has its own slots in Gradio's
queue, so a queue of heavy jobs never delays a slider move.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import ctypes
import functools
import inspect
import json
import logging
import os
import re
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from genlab.limits import QueueLimits

log = logging.getLogger("genlab.app")

HEAVY = {"concurrency_id": "heavy"}
INSTANT = {"queue": False}


def configure_queue(blocks, limits: QueueLimits):
    """Turn on the queue of one language's Blocks with the limits' sizes; return the Blocks.

    Heavy handlers also run on their own threads at a lower CPU priority (``heavy_nice``), so
    that when the cores are busy the scheduler runs a light event first.
    """
    lazy_session_configs()
    blocks.queue(max_size=limits.queue_size)
    heavy_threads = LowPriorityThreads(limits.heavy_jobs, limits.heavy_nice)
    for fn in blocks.fns.values():
        if fn.concurrency_id != "heavy":  # every other queued event is light
            fn.concurrency_id = "light"
        fn.concurrency_limit = limits.heavy_jobs if fn.concurrency_id == "heavy" else limits.light_jobs
        if fn.concurrency_id == "heavy" and fn.fn is not None:
            fn.fn = heavy_threads.wrap(fn.fn)
    blocks.state_session_capacity = limits.max_sessions
    # Gradio's own sweep of its cache (uploads, and the copies of outputs it serves); it knows
    # which files belong to the page itself and keeps them.
    blocks.delete_cache = (int(limits.sweep_seconds), int(limits.file_seconds))
    return blocks


class LowPriorityThreads:
    """Threads that run handlers ``nice`` steps below the process's priority (Linux keeps a nice
    value per thread; elsewhere the priority stays as it is). A wrapped handler runs there, each step of a generator too, with
    the caller's context (Gradio's progress bar and request live in context variables)."""

    def __init__(self, workers: int, nice: int):
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="genlab-heavy",
                                       initializer=self._lower, initargs=(nice,))

    @staticmethod
    def _lower(nice: int) -> None:
        try:
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
        except (OSError, AttributeError):
            pass

    def run(self, fn, *args, **kwargs):
        return self.pool.submit(contextvars.copy_context().run, fn, *args, **kwargs).result()

    def wrap(self, fn):
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def steps(*args, **kwargs):
                iterator = self.run(fn, *args, **kwargs)
                while True:
                    try:
                        item = self.run(next, iterator)
                    except StopIteration:
                        return
                    yield item
            return steps

        @functools.wraps(fn)
        def call(*args, **kwargs):
            return self.run(fn, *args, **kwargs)
        return call


# ---------------------------------------------------------------- refusing, in the user's language

_QUEUE_FULL = re.compile(rb"Queue is full\. Max size is (\d+) and size is (\d+)")


def queue_full_message(lang: str, waiting: int, limit: int) -> str:
    from genlab.i18n import format_error

    param = {"en": "queue", "ru": "очередь"}[lang]
    return format_error(param, "queue_full", {"waiting": waiting, "limit": limit}, lang)


class RefuseInUserLanguage:
    """ASGI middleware: Gradio's "Queue is full" (HTTP 503, English) becomes a message in the
    page's language (``/ru/...`` -> Russian) with ``Retry-After``.

    Gradio's page shows a fixed English text for a 503 and the server's text for any other
    status, so the page gets 429 (too many requests: retry later); API clients (gradio_client
    sends ``x-gradio-user: api``) keep 503, which gradio_client raises as ``QueueError``.
    """

    def __init__(self, app, langs, retry_after_s: int = 5):
        self.app = app
        self.langs = tuple(langs)
        self.retry_after = str(retry_after_s).encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        lang = scope["path"].strip("/").split("/", 1)[0]
        held: dict = {}

        async def send_translated(message):
            if message["type"] == "http.response.start" and message["status"] == 503:
                held["start"], held["body"] = message, b""
                return
            if "start" not in held:
                return await send(message)
            held["body"] += message.get("body", b"")
            if message.get("more_body"):
                return
            found = _QUEUE_FULL.search(held["body"])
            if found is None or lang not in self.langs:
                await send(held["start"])
                return await send({"type": "http.response.body", "body": held["body"]})
            limit, waiting = int(found[1]), int(found[2])
            body = json.dumps({"detail": queue_full_message(lang, waiting, limit)},
                              ensure_ascii=False).encode()
            api_client = (b"x-gradio-user", b"api") in scope["headers"]
            await send({"type": "http.response.start", "status": 503 if api_client else 429,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode()),
                                    (b"retry-after", self.retry_after)]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_translated)


class PageLanguage:
    """ASGI middleware: Gradio's own strings (its buttons, "Use via API", progress and error
    toasts) follow the page's language, ``/ru/`` -> Russian, whatever the browser's locale.

    Gradio's front end takes its locale from ``navigator.language`` when its bundle starts, before
    any of the app's own code or ``head`` runs, so the page's HTML gets a first script that makes
    the browser report the page's language.
    """

    def __init__(self, app, langs):
        self.app = app
        self.langs = tuple(langs)

    async def __call__(self, scope, receive, send):
        lang = scope["path"].strip("/") if scope["type"] == "http" else None
        if lang not in self.langs or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        held: dict = {}

        async def send_pinned(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    held["pass"] = True
                    return await send(message)
                held["start"], held["body"] = message, b""
                return
            if held.get("pass") or "start" not in held:
                return await send(message)
            held["body"] += message.get("body", b"")
            if message.get("more_body"):
                return
            body = pin_page_language(held["body"], lang)
            headers = [(k, v) for k, v in held["start"].get("headers", [])
                       if k.lower() != b"content-length"]
            await send({**held["start"], "headers": headers + [(b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_pinned)


class EndStreamsOfUnknownSessions:
    """ASGI middleware: a queue stream (``/queue/data``) for a session this server does not hold
    ends cleanly, with one log line.

    Gradio's stream sends the page its "session not found" message and then raises a 404, after
    its 200 has started: uvicorn cuts the connection in the middle of the body (nginx then logs
    "upstream prematurely closed connection") and logs two tracebacks ("response already
    started"). Behind nginx this is a page whose request reached a replica that does not hold
    its session, which ``genlab.app.replicas`` is built to prevent; the page has been told either
    way, so here the response ends as a complete one and the log says what happened.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].endswith("/queue/data"):
            return await self.app(scope, receive, send)
        state = {"started": False, "ended": False}

        async def watch(message):
            if message["type"] == "http.response.start":
                state["started"] = True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                state["ended"] = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except RuntimeError as err:
            if not (state["started"] and getattr(err.__cause__, "status_code", None) == 404):
                raise
            from urllib.parse import parse_qs

            session = parse_qs(scope.get("query_string", b"").decode()).get("session_hash", ["?"])[0]
            log.warning("queue stream of session %s ended: this server does not hold that session "
                        "(a request of its page reached another replica, or it expired)", session[:16])
            if not state["ended"]:
                await send({"type": "http.response.body", "body": b"", "more_body": False})


def pin_page_language(html: bytes, lang: str) -> bytes:
    """``html`` with a first script that sets the browser's reported language to ``lang``."""
    script = ("<script>(() => {const lang = %s; for (const [key, value] of "
              "[['language', lang], ['languages', [lang]]]) Object.defineProperty(Navigator.prototype, "
              "key, {configurable: true, get: () => value}); document.documentElement.lang = lang;})();"
              "</script>" % json.dumps(lang)).encode()
    head = re.search(rb"<head[^>]*>", html, flags=re.IGNORECASE)
    at = head.end() if head else 0
    return html[:at] + script + html[at:]


class CachedPages:
    """ASGI middleware: the page, its config and its API description, built once per language
    and kept, not rebuilt for each student who opens the page.

    Gradio rebuilds them on every request (a deep copy of a 1.2 MB config, its URLs rewritten,
    then compressed): about 0.1 s of CPU under the interpreter lock per arriving user, which a
    class opening the page at once turns into seconds in front of every slider move. The app
    does not change once it is served, so a response depends only on the request parts that
    Gradio reads for it (kept in the key): the path and query, the host and the proxy's
    forwarding headers, the accepted encodings, and the login (authorization, access cookies).
    A response that sets a cookie or is not a 200 is never kept.
    """

    PATHS = ("", "/", "/config", "/gradio_api/info")
    HEADERS = (b"host", b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-prefix",
               b"x-gradio-server", b"accept-encoding", b"authorization")

    def __init__(self, app, langs, size: int = 32):
        self.app, self.size = app, size
        self.paths = {f"/{lang}{path}" for lang in langs for path in self.PATHS}
        self.kept: dict = {}   # key -> (start message, body), least recently used first

    def key(self, scope):
        headers = dict(scope.get("headers") or ())
        cookies = sorted(part.strip() for part in headers.get(b"cookie", b"").split(b";")
                         if part.strip().startswith(b"access-token"))
        return (scope["path"], scope.get("query_string", b""), scope.get("root_path", ""), scope.get("scheme"),
                *(headers.get(name) for name in self.HEADERS), *cookies)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in self.paths:
            return await self.app(scope, receive, send)
        key = self.key(scope)
        if key in self.kept:
            start, body = self.kept.pop(key)
            self.kept[key] = (start, body)
            await send(start)
            return await send({"type": "http.response.body", "body": body})
        held = {"body": b""}

        async def keep(message):
            if message["type"] == "http.response.start":
                held["start"] = message
            elif message["type"] == "http.response.body":
                held["body"] += message.get("body", b"")
                if not message.get("more_body"):
                    start = held.get("start") or {}
                    names = {name.lower() for name, _ in start.get("headers", ())}
                    if start.get("status") == 200 and b"set-cookie" not in names:
                        self.kept[key] = (start, held["body"])
                        while len(self.kept) > self.size:
                            self.kept.pop(next(iter(self.kept)))
            await send(message)

        await self.app(scope, receive, keep)


# ---------------------------------------------------------------- what a class leaves behind

def drop_expired_sessions(blocks, limits: QueueLimits, now: float | None = None) -> int:
    """Forget the sessions whose page closed ``closed_seconds`` ago or that were unused for
    ``idle_seconds``, state and all (Gradio itself keeps every session's copy of the page's
    config until 10,000 newer ones push it out). Sessions with an event queued or running stay.
    Returns how many were dropped."""
    holder = blocks.state_holder
    busy = blocks._queue.pending_event_ids_session
    now = time.time() if now is None else now
    dropped = 0
    for session_id, last_used in list(holder.time_last_used.items()):
        session = holder.session_data.get(session_id)
        if session is None or busy.get(session_id):
            continue
        idle = now - last_used.timestamp()
        if idle > limits.idle_seconds or (session.is_closed and idle > limits.closed_seconds):
            holder.delete_state(session_id)  # runs each gr.State's delete_callback
            with holder.lock:
                holder.session_data.pop(session_id, None)
                holder.time_last_used.pop(session_id, None)
            dropped += 1
    return dropped


def delete_old_files(folder: Path, max_age_s: float, now: float | None = None,
                     loose_only: bool = False) -> int:
    """Delete files under ``folder`` older than ``max_age_s`` (with ``loose_only``, only those
    directly in it), then the empty folders left that are as old. Returns the number deleted."""
    now = time.time() if now is None else now
    deleted = 0
    for root, dirs, files in os.walk(folder, topdown=False):
        here = Path(root)
        for name in files if here == folder or not loose_only else ():
            path = here / name
            try:
                if now - path.lstat().st_mtime > max_age_s:
                    path.unlink()
                    deleted += 1
            except FileNotFoundError:
                continue
        if here != folder:
            try:
                if now - here.stat().st_mtime > max_age_s:
                    here.rmdir()  # only if empty
            except OSError:
                pass
    return deleted


def sweep_files(scratch: Path, max_age_s: float, now: float | None = None) -> int:
    """Delete the old files of a server's scratch folder: genlab's outputs (Gradio serves its own
    copies), and in Gradio's cache the empty temporary file each upload leaves beside the
    upload and the folders Gradio's own sweep emptied. The files in Gradio's cache folders are
    Gradio's to delete (``delete_cache``): it knows which ones the page itself shows."""
    return (delete_old_files(scratch / "outputs", max_age_s, now)
            + delete_old_files(gradio_cache_dir(scratch), max_age_s, now, loose_only=True))


def release_freed_memory() -> None:
    """Give the heap pages Python freed back to the OS (glibc keeps them otherwise, and RSS
    would stay at its peak after a class leaves)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


async def sweep_forever(blocks_list, limits: QueueLimits, scratch: Path | None):
    """Every ``sweep_seconds``: drop expired sessions, delete old outputs, return freed memory."""
    import gc

    while True:
        await asyncio.sleep(limits.sweep_seconds)
        try:
            dropped = sum(drop_expired_sessions(b, limits) for b in blocks_list)
            files = 0
            if scratch is not None:
                files = await asyncio.to_thread(sweep_files, scratch, limits.file_seconds)
            if dropped:
                gc.collect()
                release_freed_memory()
            if dropped or files:
                log.info("swept %d sessions, %d files", dropped, files)
        except Exception:  # noqa: BLE001 - the sweep must go on whatever one pass met
            log.exception("sweep failed")


# ---------------------------------------------------------------- where a server writes

def gradio_cache_dir(scratch: Path) -> Path:
    return scratch / "gradio"


def use_scratch_folder(scratch: Path) -> None:
    """Send every temporary file of this process (genlab's outputs via ``tempfile``, Gradio's
    uploads and cache) under ``scratch``, which the sweep ages and ``remove_scratch`` deletes."""
    import tempfile

    outputs = scratch / "outputs"
    outputs.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(gradio_cache_dir(scratch))
    os.environ["TMPDIR"] = str(outputs)
    tempfile.tempdir = str(outputs)


def remove_scratch(scratch: Path) -> None:
    shutil.rmtree(scratch, ignore_errors=True)


def rss_mb() -> float:
    """This process's resident memory, in MB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def health(blocks_by_lang: dict) -> dict:
    """What ``/healthz`` answers: cheap counters, no model is touched."""
    return {"status": "ok", "pid": os.getpid(), "rss_mb": round(rss_mb(), 1),
            "sessions": {lang: len(b.state_holder.session_data) for lang, b in blocks_by_lang.items()},
            "queued": {lang: len(b._queue) for lang, b in blocks_by_lang.items()}}


# ---------------------------------------------------------------- a new session, cheaply

class LazyComponentConfigs(collections.UserDict):
    """``SessionState.config_values`` computed per component when first read, not all up front.

    Gradio builds a new session's copy of every component's config when the session's first
    event arrives (for deep links, which genlab does not use): 367 components, about 55 ms of
    CPU under the interpreter lock, which a class arriving at once (150 sessions) turned into
    half a minute of queue in front of every slider move. An entry Gradio sets itself (after an
    event's output) replaces the pending one, as before; reading any entry gives what Gradio's
    own ``__init__`` would have stored, because a component's config changes only through those
    writes.
    """

    def __init__(self, blocks_config, ids):
        super().__init__()
        self._blocks_config, self._pending = blocks_config, dict.fromkeys(ids)

    def _fill(self, keys) -> None:
        for k in [k for k in keys if k in self._pending]:
            del self._pending[k]
            self.data[k] = self._blocks_config.config_for_block(k, [], self._blocks_config.blocks[k])

    # keys(), values(), items() and get() come from these (the Mapping mixins)
    def __getitem__(self, key):
        self._fill([key])
        return self.data[key]

    def __setitem__(self, key, value):
        self._pending.pop(key, None)
        self.data[key] = value

    def __contains__(self, key):
        return key in self._pending or key in self.data

    def __len__(self):
        return len(self.data) + len(self._pending)

    def __iter__(self):
        self._fill(list(self._pending))
        return iter(self.data)


class _WithoutComponents:
    """A Blocks as ``SessionState.__init__`` reads it, with no components to copy configs of."""

    blocks: dict = {}

    def __init__(self, blocks):
        self._blocks = blocks

    def __getattr__(self, name):
        return getattr(self._blocks, name)


def lazy_session_configs() -> bool:
    """Make Gradio's new sessions cheap (``LazyComponentConfigs``); False if this Gradio's
    ``SessionState`` is not the one this was written for (then nothing changes)."""
    from gradio import state_holder

    base = state_holder.SessionState
    if getattr(base, "genlab_lazy", False):
        return True
    if not isinstance(getattr(base, "components", None), property) or "config_values" not in base.__init__.__code__.co_names:
        log.warning("Gradio's SessionState changed: sessions keep computing every config up front")
        return False

    class SessionState(base):
        genlab_lazy = True

        def __init__(self, blocks):
            super().__init__(_WithoutComponents(blocks))
            self.config_values = LazyComponentConfigs(
                self.blocks_config, [k for k in self.blocks_config.blocks if k in blocks.blocks])

    state_holder.SessionState = SessionState
    return True
