"""The page, its config and its API description are built once and kept (``CachedPages``): a
class opening the page at once costs the server milliseconds per student, not a rebuild each.
What a response depends on stays in the key: the host and proxy headers, the encoding, the login."""

import asyncio

from genlab.app.serving import CachedPages


class CountingApp:
    """An ASGI app that answers with what it was asked and counts the calls."""

    def __init__(self, status=200, cookie=False):
        self.calls, self.status, self.cookie = 0, status, cookie

    async def __call__(self, scope, receive, send):
        self.calls += 1
        headers = [(b"content-type", b"application/json")] + ([(b"set-cookie", b"a=b")] if self.cookie else [])
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        host = dict(scope["headers"]).get(b"x-forwarded-host", b"")
        await send({"type": "http.response.body", "body": b"root " + host, "more_body": True})
        await send({"type": "http.response.body", "body": b" #%d" % self.calls})


def get(app, path, headers=(), method="GET"):
    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "query_string": b"", "headers": list(headers)}
    asyncio.run(app(scope, None, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_the_config_is_built_once_per_request_shape():
    inner = CountingApp()
    app = CachedPages(inner, ["en", "ru"])
    first = get(app, "/en/config", [(b"host", b"x")])
    assert get(app, "/en/config", [(b"host", b"x"), (b"cookie", b"genlab-session=1")]) == first == (200, b"root  #1")
    assert inner.calls == 1                                   # the second student costs nothing
    assert get(app, "/en/config", [(b"host", b"x"), (b"x-forwarded-host", b"proxy")])[1] == b"root proxy #2"
    assert get(app, "/en/config", [(b"host", b"x"), (b"cookie", b"access-token-abc=u1")])[1] == b"root  #3"
    assert get(app, "/en/config", [(b"host", b"x"), (b"accept-encoding", b"br")])[1] == b"root  #4"
    assert get(app, "/ru/", [(b"host", b"x")])[1] == b"root  #5"
    assert get(app, "/en/gradio_api/queue/join", [(b"host", b"x")])[1] == b"root  #6"   # never kept
    assert get(app, "/en/gradio_api/queue/join", [(b"host", b"x")])[1] == b"root  #7"
    assert get(app, "/en/config", [(b"host", b"x")], method="POST")[1] == b"root  #8"
    assert inner.calls == 8


def test_a_response_that_sets_a_cookie_or_fails_is_not_kept():
    for inner in (CountingApp(cookie=True), CountingApp(status=401)):
        app = CachedPages(inner, ["en"])
        get(app, "/en/")
        get(app, "/en/")
        assert inner.calls == 2


def test_the_cache_is_bounded():
    inner = CountingApp()
    app = CachedPages(inner, ["en"], size=3)
    for i in range(10):
        get(app, "/en/config", [(b"host", b"h%d" % i)])
    assert len(app.kept) == 3
    get(app, "/en/config", [(b"host", b"h9")])
    assert inner.calls == 10
