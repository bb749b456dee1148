"""Talk to a genlab server the way any client can: raw HTTP to Gradio's routes (no browser).

``served(app)`` runs an ASGI app with uvicorn on a free 127.0.0.1 port in a thread;
``WireClient`` keeps one cookie jar (one browser session) and calls events by index through the
queue, returning what the server answered.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import uuid

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(app, timeout: float = 60.0):
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + timeout
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def mounted_blocks(app, lang: str):
    """The Blocks ``create_app`` mounted at ``/<lang>``."""
    for route in app.routes:
        if getattr(route, "path", None) == f"/{lang}":
            return route.app.get_blocks()
    raise LookupError(f"nothing mounted at /{lang}")


def file_data(path: str, **extra) -> dict:
    return {"path": path, "meta": {"_type": "gradio.FileData"}, **extra}


def is_file_component(component) -> bool:
    model = getattr(component, "data_model", None)
    return model is not None and "FileData" in json.dumps(model.model_json_schema())


def file_events(blocks) -> list[tuple[int, str, list[int]]]:
    """(fn index, name, positions of file inputs) of every event that takes a file, read from
    the Blocks' own config so that a new one is covered without editing a list."""
    events = []
    for dep in blocks.config["dependencies"]:
        positions = [k for k, cid in enumerate(dep["inputs"]) if is_file_component(blocks.blocks[cid])]
        if positions:
            events.append((dep["id"], dep.get("api_name") or str(dep["id"]), positions))
    return events


def default_inputs(blocks, fn_index: int) -> list:
    dep = next(d for d in blocks.config["dependencies"] if d["id"] == fn_index)
    values = []
    for cid in dep["inputs"]:
        comp = next(c for c in blocks.config["components"] if c["id"] == cid)
        values.append(comp.get("props", {}).get("value"))
    return values


class WireClient:
    """One visitor: one cookie jar, one Gradio session hash."""

    def __init__(self, base: str, lang: str = "en", auth: tuple[str, str] | None = None):
        self.root = f"{base}/{lang}"
        self.http = httpx.Client(timeout=120)
        self.session_hash = uuid.uuid4().hex[:11]
        if auth:
            r = self.http.post(f"{self.root}/login", data={"username": auth[0], "password": auth[1]})
            r.raise_for_status()
        self.http.get(f"{self.root}/config").raise_for_status()

    def upload(self, name: str, content: bytes) -> str:
        r = self.http.post(f"{self.root}/gradio_api/upload", files={"files": (name, content)})
        r.raise_for_status()
        return r.json()[0]

    def call(self, fn_index: int, data: list, timeout: float = 180.0) -> dict:
        """Run one event; returns the final message: ``success`` and ``output`` (data or error)."""
        body = {"data": data, "fn_index": fn_index, "session_hash": self.session_hash,
                "event_data": None, "trigger_id": None}
        r = self.http.post(f"{self.root}/gradio_api/queue/join", json=body)
        r.raise_for_status()
        with self.http.stream("GET", f"{self.root}/gradio_api/queue/data",
                              params={"session_hash": self.session_hash}, timeout=timeout) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return message
                if message.get("msg") == "unexpected_error":
                    return {"success": False, "output": {"error": message.get("message")}}
        raise RuntimeError("the event stream ended without a result")

    def close(self):
        self.http.close()
