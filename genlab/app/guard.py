"""What a visitor may make the server read: only files it uploaded itself, in its own session.

Two layers, because Gradio's own check covers only half and is switched off for mounted apps:

1. Gradio accepts, as an event's file input, only a file inside its upload folder
   (``processing_utils._check_allowed``), but it skips that check unless the Blocks "has
   launched" — and ``gr.mount_gradio_app``, which genlab uses to serve ``/en/`` and ``/ru/``,
   never sets ``has_launched``. So any path a client sent was read (``/etc/passwd`` as the
   "audio" to reconstruct). ``mark_launched`` sets what ``Blocks.launch`` sets, with genlab's
   allowed and blocked paths.
2. The upload folder is one folder for every visitor, so with (1) alone one visitor could send
   the path of another's upload. ``SessionFilesMiddleware`` gives each browser a session cookie
   and records the files its uploads stored; ``GuardedBlocks.process_api`` records the files
   the app sent the session, and refuses, before Gradio touches the inputs, any file that is
   neither. The refusal is the same whether or not the file exists.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Iterator

import gradio as gr

from genlab import limits
from genlab.errors import InputError

log = logging.getLogger("genlab.app")

COOKIE = "genlab-session"
HEADER = b"x-genlab-session"      # set by the middleware from the cookie; a client's own is dropped
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
MULTIPART_SLACK = 64 * 1024        # the multipart envelope around a file of the maximum size
ASSETS = Path(__file__).resolve().parents[1] / "assets"
KEY_FOLDER = Path.home() / ".cache" / "genlab"   # the local C2PA signing key lives here


class SessionFiles:
    """Which files each session may send back: those it uploaded and those the app sent it.

    Bounded: the least recently active sessions are forgotten first (their visitors upload
    again), and a session keeps its latest ``max_files`` files.
    """

    def __init__(self, max_sessions: int = limits.MAX_TRACKED_SESSIONS,
                 max_files: int = limits.MAX_FILES_PER_SESSION):
        self.max_sessions, self.max_files = max_sessions, max_files
        self._files: OrderedDict[str, OrderedDict[str, None]] = OrderedDict()
        self._public: set[str] = set()   # the app's own initial values: every session sees them
        self._lock = threading.Lock()

    def add_public(self, paths) -> None:
        with self._lock:
            self._public.update(os.path.realpath(p) for p in paths if isinstance(p, str) and p)

    def add(self, token: str | None, paths) -> None:
        if not token:
            return
        with self._lock:
            files = self._files.setdefault(token, OrderedDict())
            self._files.move_to_end(token)
            for path in paths:
                if isinstance(path, str) and path:
                    files[os.path.realpath(path)] = None
                    files.move_to_end(os.path.realpath(path))
            while len(files) > self.max_files:
                files.popitem(last=False)
            while len(self._files) > self.max_sessions:
                self._files.popitem(last=False)

    def owns(self, token: str | None, path: Any) -> bool:
        if not isinstance(path, str) or not path:
            return False
        real = os.path.realpath(path)
        with self._lock:
            return real in self._public or (token is not None and real in self._files.get(token, ()))

    def __len__(self) -> int:
        return len(self._files)


def file_references(value: Any) -> Iterator[Any]:
    """The ``path`` of every file object (a dict with ``path`` and ``meta``) inside ``value``.

    Gradio treats a dict with ``path`` and ``meta: {"_type": "gradio.FileData"}`` as a file in
    any component's input; this is a superset, so nothing Gradio would read escapes the check.
    """
    if isinstance(value, dict):
        if "path" in value and "meta" in value:
            yield value["path"]
        for item in value.values():
            yield from file_references(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from file_references(item)


def session_token(request) -> str | None:
    """The session token the middleware put on this request (``None`` outside a request)."""
    requests = request if isinstance(request, list) else [request]
    tokens = {_header(r) for r in requests if r is not None}
    tokens.discard(None)
    return tokens.pop() if len(tokens) == 1 else None


def _header(request) -> str | None:
    try:
        return request.headers.get(HEADER.decode())
    except AttributeError:
        return None


def refusal(lang: str) -> gr.Error:
    err = InputError("file", "not_uploaded")
    return gr.Error(err.message(lang), print_exception=False)


class GuardedBlocks(gr.Blocks):
    """``gr.Blocks`` whose events accept only the files of the session that sends them, and no
    text longer than its box's ``max_length``."""

    lang = "en"
    session_files: SessionFiles | None = None

    async def process_api(self, block_fn, inputs, *args, **kwargs):
        from genlab.app.common import as_gradio_error

        trusted = kwargs.get("explicit_call", False)  # called from Python (examples), not a client
        token = session_token(kwargs.get("request"))
        if not trusted:
            for path in file_references(inputs):
                if self.session_files is None or not self.session_files.owns(token, path):
                    log.info("refused a file the session did not upload or receive (event %s)",
                             getattr(block_fn, "name", "?"))
                    raise refusal(self.lang)
            self._check_text_lengths(block_fn, inputs)
        try:
            result = await super().process_api(block_fn, inputs, *args, **kwargs)
        except gr.Error as err:
            if err.print_exception:  # Gradio's own input checks (a slider's range): the user's
                log.info("user error in %s: %s", getattr(block_fn, "name", "?"), " ".join(str(err).split()))
                err.print_exception = False
            raise
        except Exception as err:  # noqa: BLE001 - one place turns every failure into a toast
            raise as_gradio_error(err, self.lang, getattr(block_fn, "name", "?")) from err
        if self.session_files is not None and isinstance(result, dict):
            self.session_files.add(token, file_references(result.get("data")))
        return result

    def _check_text_lengths(self, block_fn, inputs) -> None:
        """A text box's ``max_length`` is enforced by the browser only (Gradio's ``Textbox``
        passes any string on): here it is enforced for every client, before any work."""
        fn = self.fns[block_fn] if isinstance(block_fn, int) else block_fn
        if getattr(fn, "batch", False) or getattr(fn, "is_validator_function", False):
            return  # an event's validator checks its request itself and shows the refusal on the box
        for component, value in zip(fn.inputs, inputs):
            max_chars = getattr(component, "max_length", None) if isinstance(component, gr.Textbox) else None
            if max_chars is not None and isinstance(value, str) and len(value) > max_chars:
                err = InputError(component.label or "text", "text_too_long", length=len(value),
                                 max_chars=max_chars)
                log.info("user error in %s: %s", getattr(fn, "name", "?"), err.message("en"))
                raise gr.Error(err.message(self.lang), print_exception=False)


def mark_launched(blocks: gr.Blocks) -> None:
    """Turn on the file check ``Blocks.launch`` turns on (``mount_gradio_app`` leaves it off).

    Inputs must then be in Gradio's upload folder; outputs in the temporary folder, the
    working folder or genlab's shipped assets; never in genlab's key folder.
    """
    blocks.allowed_paths = [str(ASSETS)]
    blocks.blocked_paths = [str(KEY_FOLDER)]
    blocks.has_launched = True


class SessionFilesMiddleware:
    """ASGI middleware: a session cookie for every browser, uploads recorded per session; an
    upload whose declared size is over the limit refused before its body is read, any other
    request body over ``max_request_bytes`` refused before the app parses it."""

    def __init__(self, app, files: SessionFiles, max_upload_bytes: int = limits.upload_bytes(),
                 max_request_bytes: int = limits.request_bytes()):
        self.app, self.files = app, files
        self.max_upload_bytes, self.max_request_bytes = max_upload_bytes, max_request_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope["headers"] if k != HEADER]
        token = _cookie_token(headers)
        issue = token is None
        if issue:
            token = secrets.token_urlsafe(24)
        headers.append((HEADER, token.encode("latin-1")))
        scope = {**scope, "headers": headers}
        is_upload = scope["method"] == "POST" and scope["path"].endswith("/gradio_api/upload")
        declared = _content_length(headers)
        if is_upload:
            if declared is not None and declared > self.max_upload_bytes + MULTIPART_SLACK:
                await _refuse(send, InputError("file", "file_too_large", size_mb=declared / 1e6,
                                               limit_mb=limits.MAX_UPLOAD_MB))
                return
        elif scope["method"] in ("POST", "PUT", "PATCH"):
            body = await _read_at_most(receive, self.max_request_bytes, declared)
            if body is None:
                await _refuse(send, InputError("request", "request_too_large",
                                               limit_kb=self.max_request_bytes // 1024))
                return
            receive = _replay(body, receive)
        state = {"status": 0, "body": []}

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                if issue:
                    cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
                    message = {**message, "headers": [*message.get("headers", []),
                                                      (b"set-cookie", cookie.encode("latin-1"))]}
            elif is_upload and message["type"] == "http.response.body" and state["status"] == 200:
                state["body"].append(message.get("body", b""))
                if not message.get("more_body"):
                    self.files.add(token, _json_list(b"".join(state["body"])))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _cookie_token(headers) -> str | None:
    from http.cookies import SimpleCookie

    for key, value in headers:
        if key == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no session
                return None
            morsel = jar.get(COOKIE)
            if morsel is not None and _TOKEN.fullmatch(morsel.value):
                return morsel.value
    return None


def _content_length(headers) -> int | None:
    for key, value in headers:
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _json_list(body: bytes) -> list:
    try:
        value = json.loads(body)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


async def _read_at_most(receive, limit: int, declared: int | None) -> bytes | None:
    """The request body, or ``None`` as soon as it is known to be over ``limit`` bytes."""
    if declared is not None and declared > limit:
        return None
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return None
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive):
    """A ``receive`` that gives the body read already, then waits on the client as before."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replay


async def _refuse(send, err: InputError) -> None:
    text = err.message("en").encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(text)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": text})
