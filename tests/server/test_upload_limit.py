"""An upload over genlab.limits.MAX_UPLOAD_MB is refused by the server and nothing is stored:
with a declared Content-Length (refused before the body is read) and without one (chunked:
Gradio stops writing at the limit and deletes the part)."""

import os

import pytest

from genlab import limits


def _files_under(folder: str) -> set[str]:
    found = set()
    for root, _, names in os.walk(folder):
        found.update(os.path.join(root, n) for n in names)
    return found


def _multipart(size: int, boundary: str = "genlabboundary") -> tuple[bytes, bytes]:
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.wav\"\r\n"
            f"Content-Type: audio/wav\r\n\r\n").encode()
    return head, f"\r\n--{boundary}--\r\n".encode()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_upload_over_the_limit_is_refused_and_not_stored(genlab_server, chunked):
    import httpx
    from gradio.utils import get_upload_folder

    base, _ = genlab_server
    folder = get_upload_folder()
    before = _files_under(folder)
    size = limits.upload_bytes() + 2_000_000
    head, tail = _multipart(size)
    headers = {"Content-Type": "multipart/form-data; boundary=genlabboundary"}

    def body():
        yield head
        chunk = b"\0" * 1_000_000
        for _ in range(size // len(chunk)):
            yield chunk
        yield tail

    with httpx.Client(timeout=120) as http:
        if chunked:
            r = http.post(f"{base}/en/gradio_api/upload", content=body(), headers=headers)
        else:
            r = http.post(f"{base}/en/gradio_api/upload", content=b"".join(body()), headers=headers)
    assert r.status_code == 413, (r.status_code, r.text[:200])
    assert str(limits.MAX_UPLOAD_MB) in r.text
    assert _files_under(folder) == before


def test_an_upload_under_the_limit_is_stored(genlab_server):
    from gradio_wire import WireClient

    base, _ = genlab_server
    client = WireClient(base)
    try:
        path = client.upload("small.txt", b"x" * 1000)
        assert os.path.getsize(path) == 1000
    finally:
        client.close()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_event_body_over_the_limit_is_refused_before_parsing(genlab_server, chunked):
    import json

    import httpx

    base, _ = genlab_server
    body = json.dumps({"data": ["x" * (limits.request_bytes() + 10)], "fn_index": 0,
                       "session_hash": "abc"}).encode()
    with httpx.Client(timeout=60) as http:
        content = (body[i:i + 65536] for i in range(0, len(body), 65536)) if chunked else body
        r = http.post(f"{base}/en/gradio_api/queue/join", content=content,
                      headers={"Content-Type": "application/json"})
        assert r.status_code == 413, r.text[:200]
        assert "request" in r.text and str(limits.MAX_REQUEST_KB) in r.text
        assert http.get(f"{base}/en/config").status_code == 200
